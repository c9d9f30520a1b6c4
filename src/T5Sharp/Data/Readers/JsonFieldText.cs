using System.Text.Json;

namespace T5Sharp.Data.Readers;

/// <summary>JSON values as record field text: strings as they are, numbers and booleans as written, nested values as raw JSON.</summary>
static class JsonFieldText
{
    public static IReadOnlyDictionary<string, string?> Fields(JsonElement obj)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
            fields[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null => null,
                _ => p.Value.GetRawText(),
            };
        return fields;
    }
}
