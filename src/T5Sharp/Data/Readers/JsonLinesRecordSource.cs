namespace T5Sharp.Data.Readers;

/// <summary>JSON Lines: one object per line (blank lines skipped); locations are 1-based line numbers.</summary>
public sealed class JsonLinesRecordSource : IRecordSource
{
    public IEnumerable<DataRecord> Read(string path) =>
        JsonLinesReader.Read(path).Select(r => new DataRecord(JsonFieldText.Fields(r.Record), new RecordLocation(path, r.Line)));
}
