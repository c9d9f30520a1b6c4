using CsvHelper;

namespace T5Sharp.Data.Readers;

/// <summary>
/// CSV / TSV with a header row, UTF-8, via CsvHelper (RFC 4180 quoting, so quoted fields may hold the separator, quotes and
/// newlines). Locations are the 1-based line where the record starts; malformed quoting and a record whose field count
/// differs from the header's are errors naming that line. Every value is text (a reference is one text; several come
/// from several columns).
/// </summary>
public sealed class DelimitedRecordSource(char separator) : IRecordSource
{
    public char Separator { get; } = separator;

    public IEnumerable<DataRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        var options = new CsvReaderOptions
        {
            Separator = Separator,
            HasHeader = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // we check against the header ourselves, for a clearer message
        };
        // Text through Utf8Lines, not CsvHelper's own decoding: a byte that is not UTF-8 (a Latin-1 export) is an error
        // naming its line instead of a silent U+FFFD.
        using var text = new Utf8LinesTextReader(path);
        using var csv = CsvReader.Create(text, options);
        string[] header = [.. Guard(path, () => csv.Headers)];
        if (header.Length == 0) throw new DataException($"{path}: empty file (expected a header row)");
        var duplicates = header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0) throw new DataException($"{path}:1: duplicate column names in the header: {string.Join(", ", duplicates)}");
        while (Guard(path, csv.Read))
        {
            var location = new RecordLocation(path, (int)csv.LineNumber);
            if (csv.FieldCount != header.Length)
                throw new DataException($"{location}: {csv.FieldCount} fields, the header has {header.Length} ({string.Join(", ", header)})");
            var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++) values[header[i]] = FieldValue.FromText(csv.GetString(i));
            yield return new DataRecord(values, location);
        }
    }

    static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (CsvFormatException e)
        {
            throw new DataException($"{path}:{e.LineNumber}: malformed CSV: {e.Message}", e);
        }
    }
}
