namespace T5Sharp.Data.Converters;

/// <summary>What a converter did: records written, and input items dropped (unusable) or skipped (filtered out by an option).</summary>
public sealed record ConversionResult(int RecordsWritten, int Dropped, int Skipped, string OutputPath);
