using System.Text.Json;

namespace T5Sharp.Data.Readers;

/// <summary>A JSON file holding one array of objects (SAMSum's format); locations are 1-based array positions ("record N").</summary>
public sealed class JsonArrayRecordSource : IRecordSource
{
    public IEnumerable<DataRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        JsonDocument doc;
        try
        {
            // Through Utf8Lines, so a byte that is not UTF-8 names its line like in the other text formats.
            doc = JsonDocument.Parse(string.Concat(Utf8Lines.Read(path).Select(l => l.Text)));
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new DataException($"{path}: expected a JSON array of objects, found {doc.RootElement.ValueKind}");
            int index = 0;
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                index++;
                var location = new RecordLocation(path, index, "record");
                if (element.ValueKind != JsonValueKind.Object)
                    throw new DataException($"{location}: expected a JSON object, found {element.ValueKind}");
                yield return new DataRecord(JsonFieldValue.Members(element), location);
            }
        }
    }
}
