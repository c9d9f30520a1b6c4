using T5Sharp.Data;
using T5Sharp.Data.Readers;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// The `--input TEXT | --input-file FILE --field NAME` convention shared by verbs that take texts; the file may be
/// JSONL, a JSON array, CSV/TSV or Parquet.
/// </summary>
public static class InputTexts
{
    public static List<string> Read(string? text, string? file, string? field)
    {
        if ((text is null) == (file is null))
            throw new ArgumentException("give exactly one of --input TEXT or --input-file FILE");
        if (text is not null) return [text];
        if (field is null) throw new ArgumentException("--input-file needs --field NAME (the field holding the text)");
        var texts = RecordReader.Read(file!).Select(r => r.Get(field)).ToList();
        if (texts.Count == 0) throw new DataException($"{file}: no records");
        return texts;
    }
}
