namespace T5Sharp.Data;

/// <summary>Where a record came from, for error messages: the file and its 1-based line (text formats) or row (Parquet, JSON arrays).</summary>
public sealed record RecordLocation(string File, int Number, string Unit = "line")
{
    /// <summary>"data.jsonl:12" for lines, "data.parquet row 12" for rows.</summary>
    public override string ToString() => Unit == "line" ? $"{File}:{Number}" : $"{File} {Unit} {Number}";
}
