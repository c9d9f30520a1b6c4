using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using T5Sharp.Formats;

namespace T5Sharp.Data.Converters;

/// <summary>Writes string-field records as JSON Lines, atomically (a crash never leaves half a file).</summary>
static class JsonlRecordWriter
{
    // Non-ASCII text stays readable in the file (like json.dumps(ensure_ascii=False)); JSON escaping stays correct.
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string path, IEnumerable<IReadOnlyList<(string Name, string Value)>> records) =>
        AtomicFile.Write(path, stream =>
        {
            var newline = "\n"u8.ToArray();
            foreach (var record in records)
            {
                using (var json = new Utf8JsonWriter(stream, Options))
                {
                    json.WriteStartObject();
                    foreach (var (name, value) in record) json.WriteString(name, value);
                    json.WriteEndObject();
                }
                stream.Write(newline);
            }
        });
}
