using System.Text.Json;

namespace T5Sharp.Data.Readers;

/// <summary>JSON Lines: one object per line (blank lines skipped); locations are 1-based line numbers.</summary>
public sealed class JsonLinesRecordSource : IRecordSource
{
    public IEnumerable<DataRecord> Read(string path)
    {
        foreach (var (number, line) in Utf8Lines.Read(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var location = new RecordLocation(path, number);
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e)
            {
                throw new DataException($"{location}: not valid JSON: {e.Message}", e);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new DataException($"{location}: expected a JSON object, found {doc.RootElement.ValueKind}");
                yield return new DataRecord(JsonFieldValue.Members(doc.RootElement), location);
            }
        }
    }
}
