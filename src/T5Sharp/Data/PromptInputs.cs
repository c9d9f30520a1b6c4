using T5Sharp.Data.Readers;

namespace T5Sharp.Data;

/// <summary>
/// Inputs to generate from: one text, or a file's records (JSONL, a JSON array, CSV/TSV or Parquet) with the text in a
/// field — or, without a field, the template applied to each whole record. <see cref="PromptBuilder"/> makes the prompts.
/// </summary>
public static class PromptInputs
{
    /// <summary>
    /// The inputs of exactly one of <paramref name="text"/> or <paramref name="file"/>; a file needs <paramref name="field"/>
    /// (the field holding the text) or <paramref name="template"/>.
    /// </summary>
    public static List<PromptInput> Read(string? text, string? file, string? field, PromptTemplate? template)
    {
        if ((text is null) == (file is null))
            throw new ArgumentException("give exactly one of --input TEXT or --input-file FILE");
        if (text is not null) return [new PromptInput(text, new DataRecord(new Dictionary<string, string?>(), new RecordLocation("--input", 1)))];
        if (field is null && template is null)
            throw new ArgumentException("--input-file needs --field NAME (the field holding the text) or a --template");
        var inputs = new List<PromptInput>();
        foreach (var record in RecordReader.Read(file!))
            inputs.Add(field is null ? new PromptInput(template!.Render(record), record, IsRendered: true) : new PromptInput(record.Get(field), record));
        if (inputs.Count == 0) throw new DataException($"{file}: no records");
        return inputs;
    }
}
