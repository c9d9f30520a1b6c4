using System.Text;
using Parquet.Serialization;
using T5Sharp.Data;

namespace T5Sharp.Tests.Support;

/// <summary>Writes the same records in the other formats the record reader takes (CSV/TSV, Parquet), for format-parity tests.</summary>
public static class RecordFiles
{
    /// <summary>A header row of the first record's field names, then every record's text fields, all quoted (RFC 4180).</summary>
    public static string WriteDelimited(string path, IReadOnlyList<DataRecord> records, char separator = ',')
    {
        var columns = records[0].Fields.Keys.ToArray();
        var text = new StringBuilder();
        text.AppendJoin(separator, columns.Select(Quote)).Append('\n');
        foreach (var record in records) text.AppendJoin(separator, columns.Select(c => Quote(record.Get(c)))).Append('\n');
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }

    static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    /// <summary>Rows of a class (its [JsonPropertyName]s name the columns; lists become list columns, dictionaries maps).</summary>
    public static string WriteParquet<T>(string path, IEnumerable<T> rows) where T : new()
    {
        ParquetSerializer.SerializeAsync(rows, path).GetAwaiter().GetResult();
        return path;
    }
}
