using T5Sharp.Data.Readers;

namespace T5Sharp.Data;

/// <summary>
/// Turns records into <see cref="Seq2SeqExample"/>s: the source is the prompt template rendered with the record (when
/// there is one) or the source field's text; the target is the target field's text (or its own template).
/// </summary>
public sealed class SourceTargetMapper
{
    public string? SourceField { get; }
    public string? TargetField { get; }
    public PromptTemplate? SourceTemplate { get; }
    public PromptTemplate? TargetTemplate { get; }

    public SourceTargetMapper(string? sourceField, string? targetField, PromptTemplate? sourceTemplate = null, PromptTemplate? targetTemplate = null)
    {
        if (sourceField is null && sourceTemplate is null) throw new ArgumentException("give a source field or a source prompt template");
        if (targetField is null && targetTemplate is null) throw new ArgumentException("give a target field or a target template");
        (SourceField, TargetField, SourceTemplate, TargetTemplate) = (sourceField, targetField, sourceTemplate, targetTemplate);
    }

    public Seq2SeqExample Map(DataRecord record) => new(
        SourceTemplate?.Render(record) ?? record.Get(SourceField!),
        TargetTemplate?.Render(record) ?? record.Get(TargetField!),
        record.Location);

    /// <summary>Every record of a data file (any format <see cref="RecordReader"/> reads); an empty file is an error.</summary>
    public IReadOnlyList<Seq2SeqExample> MapFile(string path)
    {
        var examples = RecordReader.Read(path).Select(Map).ToList();
        if (examples.Count == 0) throw new DataException($"{path}: the dataset is empty (no records)");
        return examples;
    }
}
