using System.Text.Json;

namespace T5Sharp.Server;

/// <summary>Typed, strict reads of a JSON request object: a field of the wrong type is a 400 naming it.</summary>
public sealed class JsonFields(JsonElement obj, string prefix = "")
{
    public JsonElement Object { get; } = obj;

    public static JsonFields Of(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest($"{what} must be a JSON object");
        return new JsonFields(element);
    }

    /// <summary>Refuses fields outside <paramref name="known"/> (a typo such as max_token would otherwise be silently ignored).</summary>
    public void OnlyKnown(IReadOnlySet<string> known)
    {
        foreach (var p in Object.EnumerateObject())
            if (!known.Contains(p.Name)) throw ApiException.BadRequest($"unknown field '{prefix}{p.Name}'", prefix + p.Name);
    }

    public bool Has(string name) => Object.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement? Get(string name) => Object.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public string? String(string name) => Get(name) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(name, "a string")
        : null;

    public bool? Bool(string name) => Get(name) is { } v
        ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Wrong(name, "true or false")
        : null;

    public int? Int(string name) => Get(name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Wrong(name, "an integer")
        : null;

    public long? Long(string name) => Get(name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) ? i : throw Wrong(name, "an integer")
        : null;

    public double? Double(string name) => Get(name) is { } v
        ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Wrong(name, "a number")
        : null;

    /// <summary>A string or a list of strings (OpenAI's prompt and stop).</summary>
    public List<string>? Strings(string name)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!];
        if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            return v.EnumerateArray().Select(e => e.GetString()!).ToList();
        throw Wrong(name, "a string or a list of strings");
    }

    ApiException Wrong(string name, string what) => ApiException.BadRequest($"'{prefix}{name}' must be {what}", prefix + name);
}
