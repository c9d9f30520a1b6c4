using System.Text.Json;

namespace T5Sharp.Data;

/// <summary>
/// One field's value as a file holds it: text, a number, a boolean, null, a list or named values. Every format keeps
/// what it can express (CSV/TSV only text; JSON and Parquet also numbers, lists and objects), so a reference may be a
/// list wherever a list can be written, while <see cref="Text"/> gives every value as text for templates and training.
/// </summary>
public sealed class FieldValue
{
    // Declared before Null: static fields initialize in order.
    static readonly IReadOnlyDictionary<string, FieldValue> EmptyMembers = new Dictionary<string, FieldValue>();

    public static readonly FieldValue Null = new(FieldKind.Null, null, 0, [], EmptyMembers);

    public FieldKind Kind { get; }
    /// <summary>The number of a <see cref="FieldKind.Number"/> (1 or 0 for a <see cref="FieldKind.Boolean"/>); 0 otherwise.</summary>
    public double Number { get; }
    /// <summary>The items of an <see cref="FieldKind.Array"/>; empty otherwise.</summary>
    public IReadOnlyList<FieldValue> Items { get; }
    /// <summary>The named values of an <see cref="FieldKind.Object"/>, in file order; empty otherwise.</summary>
    public IReadOnlyDictionary<string, FieldValue> Members { get; }

    readonly string? _text;

    FieldValue(FieldKind kind, string? text, double number, IReadOnlyList<FieldValue> items, IReadOnlyDictionary<string, FieldValue> members) =>
        (Kind, _text, Number, Items, Members) = (kind, text, number, items, members);

    /// <summary>
    /// The value as text: a string as it is, a number or boolean as the file writes it, a list or object as JSON, null
    /// for null. This is what training, generation and prompt templates see.
    /// </summary>
    public string? Text => _text ?? (Kind is FieldKind.Array or FieldKind.Object ? ToJson() : null);

    public static FieldValue FromText(string text) => new(FieldKind.String, text ?? throw new ArgumentNullException(nameof(text)), 0, [], EmptyMembers);

    /// <summary>A number; <paramref name="text"/> is how the file writes it ("4.50" stays "4.50").</summary>
    public static FieldValue FromNumber(double number, string text) => new(FieldKind.Number, text, number, [], EmptyMembers);

    public static FieldValue FromBoolean(bool value, string text) => new(FieldKind.Boolean, text, value ? 1 : 0, [], EmptyMembers);

    /// <summary>A list; <paramref name="json"/> is its text when the file has it (JSON), else it is written as JSON when asked.</summary>
    public static FieldValue FromList(IReadOnlyList<FieldValue> items, string? json = null) => new(FieldKind.Array, json, 0, items, EmptyMembers);

    /// <summary>Named values; <paramref name="json"/> as for <see cref="FromList"/>.</summary>
    public static FieldValue FromMembers(IReadOnlyDictionary<string, FieldValue> members, string? json = null) => new(FieldKind.Object, json, 0, [], members);

    public override string ToString() => Text ?? "null";

    string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(json, this);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Write(Utf8JsonWriter json, FieldValue value)
    {
        switch (value.Kind)
        {
            case FieldKind.Null: json.WriteNullValue(); break;
            case FieldKind.String: json.WriteStringValue(value._text); break;
            // As the file wrote it; NaN and infinities (Parquet doubles) have no JSON number, so they become text.
            case FieldKind.Number when double.IsFinite(value.Number): json.WriteRawValue(value._text!); break;
            case FieldKind.Number: json.WriteStringValue(value._text); break;
            case FieldKind.Boolean: json.WriteBooleanValue(value.Number != 0); break;
            case FieldKind.Array:
                json.WriteStartArray();
                foreach (var item in value.Items) Write(json, item);
                json.WriteEndArray();
                break;
            case FieldKind.Object:
                json.WriteStartObject();
                foreach (var (name, member) in value.Members) { json.WritePropertyName(name); Write(json, member); }
                json.WriteEndObject();
                break;
        }
    }
}
