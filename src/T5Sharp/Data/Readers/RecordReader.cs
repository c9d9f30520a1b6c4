namespace T5Sharp.Data.Readers;

/// <summary>
/// Reads a data file by its extension: .jsonl, .json (an array of objects), .csv, .tsv, .parquet. The one way every
/// verb reads records (training, generation, scoring, evaluation sets, predictions files, comparisons).
/// </summary>
public static class RecordReader
{
    public static IRecordSource ForPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => new JsonLinesRecordSource(),
        ".json" => new JsonArrayRecordSource(),
        ".csv" => new DelimitedRecordSource(','),
        ".tsv" => new DelimitedRecordSource('\t'),
        ".parquet" => new ParquetRecordSource(),
        var ext => throw new DataException($"{path}: unknown data file type '{ext}' (expected .jsonl, .json, .csv, .tsv or .parquet)"),
    };

    /// <summary>Every record of <paramref name="path"/>, in file order (lazily; errors surface while enumerating).</summary>
    public static IEnumerable<DataRecord> Read(string path)
    {
        var source = ForPath(path);
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        return source.Read(path);
    }

    /// <summary>The text of the given fields of every record (<see cref="DataRecord.Get"/>), in file order.</summary>
    public static List<string[]> ReadFields(string path, params string[] fields) =>
        Read(path).Select(r => fields.Select(r.Get).ToArray()).ToList();
}
