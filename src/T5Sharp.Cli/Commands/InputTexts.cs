using T5Sharp.Data;

namespace T5Sharp.Cli.Commands;

/// <summary>The `--input TEXT | --input-file FILE.jsonl --field NAME` convention shared by verbs that take texts.</summary>
public static class InputTexts
{
    public static List<string> Read(string? text, string? file, string? field)
    {
        if ((text is null) == (file is null))
            throw new ArgumentException("give exactly one of --input TEXT or --input-file FILE.jsonl");
        if (text is not null) return [text];
        if (field is null) throw new ArgumentException("--input-file needs --field NAME (the JSON field holding the text)");
        var texts = JsonLinesReader.ReadFields(file!, field).Select(r => r[0]).ToList();
        if (texts.Count == 0) throw new DataException($"{file}: no records");
        return texts;
    }
}
