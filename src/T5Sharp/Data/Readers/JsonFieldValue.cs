using System.Text.Json;

namespace T5Sharp.Data.Readers;

/// <summary>JSON values as record values: strings, numbers (their text as written), booleans, null, arrays and objects (their raw JSON as text).</summary>
static class JsonFieldValue
{
    public static IReadOnlyDictionary<string, FieldValue> Members(JsonElement obj)
    {
        var members = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject()) members[p.Name] = From(p.Value);
        return members;
    }

    public static FieldValue From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => FieldValue.FromText(value.GetString()!),
        JsonValueKind.Number => FieldValue.FromNumber(value.GetDouble(), value.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => FieldValue.FromBoolean(value.GetBoolean(), value.GetRawText()),
        JsonValueKind.Array => FieldValue.FromList(value.EnumerateArray().Select(From).ToArray(), value.GetRawText()),
        JsonValueKind.Object => FieldValue.FromMembers(Members(value), value.GetRawText()),
        _ => FieldValue.Null,
    };
}
