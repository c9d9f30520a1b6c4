namespace T5Sharp.Data;

/// <summary>One record of a data file: its fields as text (null for a null value) and where it came from.</summary>
public sealed record DataRecord(IReadOnlyDictionary<string, string?> Fields, RecordLocation Location)
{
    /// <summary>The text of <paramref name="field"/>; a missing or null field names the file, line and the fields there are.</summary>
    public string Get(string field)
    {
        if (!Fields.TryGetValue(field, out var value))
            throw new DataException($"{Location}: no field '{field}' (fields: {string.Join(", ", Fields.Keys)})");
        return value ?? throw new DataException($"{Location}: field '{field}' is null, expected text");
    }
}
