namespace T5Sharp.Data;

/// <summary>
/// One record of a data file: its fields (<see cref="Values"/> as the file holds them, <see cref="Fields"/> as text)
/// and where it came from. Every verb reads records through here, so a missing field or a value of the wrong type gives
/// the same message whatever the format or the verb.
/// </summary>
public sealed class DataRecord
{
    public IReadOnlyDictionary<string, FieldValue> Values { get; }
    public RecordLocation Location { get; }

    readonly Lazy<IReadOnlyDictionary<string, string?>> _fields;

    public DataRecord(IReadOnlyDictionary<string, FieldValue> values, RecordLocation location)
    {
        Values = values ?? throw new ArgumentNullException(nameof(values));
        Location = location ?? throw new ArgumentNullException(nameof(location));
        _fields = new(() => Values.ToDictionary(v => v.Key, v => v.Value.Text, StringComparer.Ordinal));
    }

    /// <summary>A record of text fields (null for a null value), e.g. a prompt's fields.</summary>
    public DataRecord(IReadOnlyDictionary<string, string?> fields, RecordLocation location)
        : this(fields.ToDictionary(f => f.Key, f => f.Value is null ? FieldValue.Null : FieldValue.FromText(f.Value), StringComparer.Ordinal), location)
    {
    }

    /// <summary>Every field as text (<see cref="FieldValue.Text"/>): numbers as written, lists and objects as JSON, null for null.</summary>
    public IReadOnlyDictionary<string, string?> Fields => _fields.Value;

    /// <summary>The value of <paramref name="field"/>; a missing field names the file, line and the fields there are.</summary>
    public FieldValue Value(string field) =>
        Values.TryGetValue(field, out var value)
            ? value
            : throw new DataException($"{Location}: no field '{field}' (fields: {string.Join(", ", Values.Keys)})");

    /// <summary>The text of <paramref name="field"/> (<see cref="FieldValue.Text"/>); a missing or null field is an error.</summary>
    public string Get(string field)
    {
        var value = Value(field);
        return value.Text ?? throw WrongType($"field '{field}'", value, "text");
    }

    /// <summary>The text of <paramref name="field"/>, which must be a string: a number where text belongs is a mistake (predictions files).</summary>
    public string GetString(string field)
    {
        var value = Value(field);
        return value.Kind == FieldKind.String ? value.Text! : throw WrongType($"field '{field}'", value, "a string");
    }

    /// <summary>
    /// One or more texts: a string, or a non-empty list of strings (JSON arrays, Parquet list columns). CSV/TSV can only
    /// hold the string; several texts there come from several fields.
    /// </summary>
    public IReadOnlyList<string> GetTexts(string field)
    {
        var value = Value(field);
        switch (value.Kind)
        {
            case FieldKind.String: return [value.Text!];
            case FieldKind.Array:
                if (value.Items.Count == 0) throw new DataException($"{Location}: field '{field}' is an empty list, expected at least one text");
                return value.Items.Select(item => item.Kind == FieldKind.String
                    ? item.Text!
                    : throw WrongType($"field '{field}'", item, "strings only", inList: true)).ToArray();
            default: throw WrongType($"field '{field}'", value, "a string or a list of strings");
        }
    }

    /// <summary>Named numbers (a JSON object or Parquet map/struct of numbers, e.g. a predictions file's "scores").</summary>
    public IReadOnlyDictionary<string, double> GetNumbers(string field)
    {
        var value = Value(field);
        if (value.Kind != FieldKind.Object) throw WrongType($"field '{field}'", value, "an object of numbers");
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, member) in value.Members)
            numbers[name] = member.Kind == FieldKind.Number ? member.Number : throw WrongType($"{field}.{name}", member, "a number");
        return numbers;
    }

    /// <summary>
    /// The one wrong-type error: "file:line: field 'x' is Number, expected a string" (a null value "is null"; an item of a
    /// list "holds a Null").
    /// </summary>
    DataException WrongType(string subject, FieldValue value, string expected, bool inList = false) =>
        new($"{Location}: {subject} {(inList ? $"holds a {value.Kind}" : value.Kind == FieldKind.Null ? "is null" : $"is {value.Kind}")}, expected {expected}");
}
