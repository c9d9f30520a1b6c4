using T5Sharp.Data;
using T5Sharp.Data.Readers;

namespace T5Sharp.Evaluation;

/// <summary>
/// The examples of an evaluation read from a data file of any format <see cref="RecordReader"/> reads: a source field
/// and one or more reference fields per record (e.g. DialogSum's summary1, summary2, summary3); a reference field may
/// also hold a list of texts where the format can (JSON, JSONL, Parquet list columns).
/// </summary>
public sealed record EvaluationSet(IReadOnlyList<string> Sources, IReadOnlyList<IReadOnlyList<string>> References)
{
    /// <summary>
    /// The first <paramref name="limit"/> records (all when null), in file order. With a <paramref name="template"/> the
    /// source is the template filled from the record's fields (e.g. "Summarize: {dialogue}"), else the source field.
    /// </summary>
    /// <exception cref="DataException">Missing file, bad UTF-8 or syntax, a missing or mistyped field (file:line), no records.</exception>
    public static EvaluationSet Read(string path, string sourceField, IReadOnlyList<string> referenceFields, int? limit = null,
        PromptTemplate? template = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceField);
        ArgumentNullException.ThrowIfNull(referenceFields);
        if (referenceFields.Count == 0) throw new ArgumentException("At least one reference field is needed.", nameof(referenceFields));
        if (limit is < 1) throw new ArgumentException($"The limit must be at least 1, got {limit}.", nameof(limit));
        var sources = new List<string>();
        var references = new List<IReadOnlyList<string>>();
        foreach (var record in RecordReader.Read(path))
        {
            if (sources.Count == limit) break;
            sources.Add(template is null ? record.Get(sourceField) : template.Render(record));
            references.Add(referenceFields.SelectMany(record.GetTexts).ToArray());
        }
        if (sources.Count == 0) throw new DataException($"{path}: no records");
        return new EvaluationSet(sources, references);
    }
}
