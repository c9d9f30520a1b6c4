namespace T5Sharp.Data;

/// <summary>
/// One input to generate from: <see cref="Text"/> as given (shown beside the output) and the record it came from, whose
/// fields fill a template. <see cref="IsRendered"/>: the text is already the template applied to the record.
/// </summary>
public sealed record PromptInput(string Text, DataRecord Record, bool IsRendered = false);
