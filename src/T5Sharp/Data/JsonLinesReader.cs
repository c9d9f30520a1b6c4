using System.Text;
using System.Text.Json;

namespace T5Sharp.Data;

/// <summary>Reads JSON Lines: one JSON object per line; blank lines are skipped. Errors name the file and line.</summary>
public static class JsonLinesReader
{
    /// <summary>Each object with its 1-based line number.</summary>
    public static IEnumerable<(int Line, JsonElement Record)> Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int lineNumber = 0;
        // Lines are split as bytes and decoded one by one, so a bad byte is reported on its own line
        // (a StreamReader decodes ahead and would blame an earlier one).
        foreach (var bytes in ByteLines(stream))
        {
            lineNumber++;
            string line;
            try { line = StrictUtf8.GetString(bytes); }
            catch (DecoderFallbackException e)
            {
                throw new DataException($"{path}:{lineNumber}: not valid UTF-8 ({e.Message})", e);
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement element;
            try
            {
                using var doc = JsonDocument.Parse(line);
                element = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DataException($"{path}:{lineNumber}: not valid JSON: {e.Message}", e);
            }
            if (element.ValueKind != JsonValueKind.Object)
                throw new DataException($"{path}:{lineNumber}: expected a JSON object, found {element.ValueKind}");
            yield return (lineNumber, element);
        }
    }

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static IEnumerable<byte[]> ByteLines(Stream stream)
    {
        var line = new MemoryStream();
        bool first = true;
        int b;
        while ((b = stream.ReadByte()) != -1)
        {
            if (b != '\n') { line.WriteByte((byte)b); continue; }
            yield return Trim(line, ref first);
            line.SetLength(0);
        }
        if (line.Length > 0) yield return Trim(line, ref first);
    }

    // Drops a trailing \r (Windows line ends) and a UTF-8 byte-order mark at the start of the file.
    static byte[] Trim(MemoryStream line, ref bool first)
    {
        var bytes = line.ToArray();
        int start = first && bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        first = false;
        int end = bytes.Length > start && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length;
        return bytes[start..end];
    }

    /// <summary>The text of <paramref name="field"/>; a missing field or a non-string value names file, line and field.</summary>
    public static string GetString(JsonElement record, string field, string path, int line)
    {
        if (!record.TryGetProperty(field, out var value))
            throw new DataException($"{path}:{line}: no field '{field}' (fields: {string.Join(", ", record.EnumerateObject().Select(p => p.Name))})");
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw new DataException($"{path}:{line}: field '{field}' is {value.ValueKind}, expected text"),
        };
    }

    /// <summary>The given fields of every record, in file order.</summary>
    public static List<string[]> ReadFields(string path, params string[] fields) =>
        Read(path).Select(r => fields.Select(f => GetString(r.Record, f, path, r.Line)).ToArray()).ToList();
}
