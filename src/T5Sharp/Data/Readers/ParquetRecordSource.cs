using Parquet.Serialization;

namespace T5Sharp.Data.Readers;

/// <summary>
/// Parquet via Parquet.Net (untyped rows); values as <see cref="ParquetFieldValue"/> makes them (list columns stay lists).
/// Locations are 1-based rows over all row groups.
/// </summary>
public sealed class ParquetRecordSource : IRecordSource
{
    public IEnumerable<DataRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        IList<Dictionary<string, object?>> rows;
        string[] columns;
        try
        {
            using var stream = File.OpenRead(path);
            // Parquet.Net is async-only; the readers here are synchronous enumerables, so block once for the whole file.
            var result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
            rows = result.Data;
            columns = result.Schema.Fields.Select(f => f.Name).ToArray();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new DataException($"{path}: not a readable Parquet file: {e.Message}", e);
        }
        for (int i = 0; i < rows.Count; i++)
        {
            // Untyped rows leave null values out; the schema's columns put them back, so "null" and "no such column" stay apart.
            var values = columns.ToDictionary(c => c, _ => FieldValue.Null, StringComparer.Ordinal);
            foreach (var (name, value) in rows[i]) values[name] = ParquetFieldValue.From(value);
            yield return new DataRecord(values, new RecordLocation(path, i + 1, "row"));
        }
    }
}
