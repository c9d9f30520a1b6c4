namespace T5Sharp.Data;

/// <summary>What a record's field holds. The names are JSON's (and appear in error messages: "field 'x' is Number").</summary>
public enum FieldKind
{
    Null,
    String,
    Number,
    Boolean,
    /// <summary>A list of values (a JSON array, a Parquet list column).</summary>
    Array,
    /// <summary>Named values (a JSON object, a Parquet map or struct column), e.g. a predictions file's "scores".</summary>
    Object,
}
