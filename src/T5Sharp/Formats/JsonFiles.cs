using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T5Sharp.Formats;

/// <summary>An exception type that file readers raise for a user's bad file: one message naming the file and key.</summary>
public interface IFileError
{
    static abstract Exception Create(string message, Exception? inner);
}

/// <summary>
/// The JSON files of the Hugging Face stack: written the way transformers writes them (json.dumps(..., indent=2,
/// sort_keys=True) + "\n"), read with errors that name the file, key and line.
/// </summary>
public static class JsonFiles
{
    static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep non-ASCII and '<' readable, as Python's json does for '<'
    };

    public static string ToSortedJson(JsonNode node) => Sorted(node)!.ToJsonString(Indented) + "\n";

    static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}

/// <summary>Reads JSON files; a malformed file or key raises <typeparamref name="TError"/> naming the file, key and line.</summary>
public static class JsonFiles<TError> where TError : IFileError
{
    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw TError.Create($"{path}: invalid JSON: {JsonErrorText.Of(e)}", e);
        }
    }

    public static JsonElement Required(JsonElement obj, string key, string path, JsonValueKind kind)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(key, out var value))
            throw TError.Create($"{path}: missing key '{key}'", null);
        if (value.ValueKind != kind) throw TError.Create($"{path}: key '{key}' is {value.ValueKind}, expected {kind}", null);
        return value;
    }

    public static bool? OptionalBool(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw TError.Create($"{path}: key '{key}' is {v.ValueKind}, expected true or false", null),
        };
    }

    public static string? OptionalString(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw TError.Create($"{path}: key '{key}' is {v.ValueKind}, expected a string", null);
        return v.GetString();
    }
}
