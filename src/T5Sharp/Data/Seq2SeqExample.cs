namespace T5Sharp.Data;

/// <summary>One training pair: the model's input text, the text it should produce, and the record it came from.</summary>
public sealed record Seq2SeqExample(string Source, string Target, RecordLocation Location);
