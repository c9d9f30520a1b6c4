namespace T5Sharp.Data.Converters;

/// <summary>Options of <see cref="YahooAnswersConverter"/>: at most <see cref="MaxRecords"/> records (all when null).</summary>
public sealed record YahooAnswersOptions(int? MaxRecords = null);
