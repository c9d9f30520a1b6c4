using T5Sharp.Data;
using T5Sharp.Data.Readers;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// The `--input TEXT | --input-file FILE [--field NAME]` and `--template` conventions of verbs that take texts. The file
/// may be JSONL, a JSON array, CSV/TSV or Parquet. A template fills `{field}` placeholders from the record; `{text}` is
/// the input itself (the --input text, or the --field value).
/// </summary>
public static class InputTexts
{
    /// <summary>Each input as given (shown in output) and the prompt the model receives.</summary>
    public static List<(string Input, string Prompt)> Read(string? text, string? file, string? field, PromptTemplate? template)
    {
        if ((text is null) == (file is null))
            throw new ArgumentException("give exactly one of --input TEXT or --input-file FILE");
        if (text is not null) return [(text, Prompt(template, text, new Dictionary<string, string?>(), new RecordLocation("--input", 1)))];
        if (field is null && template is null)
            throw new ArgumentException("--input-file needs --field NAME (the field holding the text) or a --template");
        var inputs = new List<(string, string)>();
        foreach (var record in RecordReader.Read(file!))
        {
            string input = field is null ? template!.Render(record) : record.Get(field);
            inputs.Add((input, field is null ? input : Prompt(template, input, record.Fields, record.Location)));
        }
        if (inputs.Count == 0) throw new DataException($"{file}: no records");
        return inputs;
    }

    /// <summary>A template as typed on a shell: the escapes \n and \t stand for a newline and a tab.</summary>
    public static string Unescape(string typed) => typed.Replace("\\n", "\n").Replace("\\t", "\t");

    /// <summary>A prompt for one text (an interactive message, say): the template with {text} filled, or the text.</summary>
    public static string Prompt(PromptTemplate? template, string text, IReadOnlyDictionary<string, string?> fields, RecordLocation location)
    {
        if (template is null) return text;
        var withText = new Dictionary<string, string?>(fields) { ["text"] = text };
        return template.Render(new DataRecord(withText, location));
    }
}
