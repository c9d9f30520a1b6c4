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
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        int lineNumber = 0;
        while (true)
        {
            string? line;
            try { line = reader.ReadLine(); }
            catch (DecoderFallbackException e)
            {
                throw new DataException($"{path}:{lineNumber + 1}: not valid UTF-8 ({e.Message})", e);
            }
            if (line is null) yield break;
            lineNumber++;
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
