using System.Text.Json;

namespace T5Sharp.Tokenization;

/// <summary>Small helpers for reading the HF tokenizer JSON files with errors that name the file, key and line.</summary>
internal static class JsonFile
{
    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"{path}: invalid JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message}", e);
        }
    }

    public static JsonElement Required(JsonElement obj, string key, string path, JsonValueKind kind)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(key, out var value))
            throw new TokenizerException($"{path}: missing key '{key}'");
        if (value.ValueKind != kind) throw new TokenizerException($"{path}: key '{key}' is {value.ValueKind}, expected {kind}");
        return value;
    }

    public static bool? OptionalBool(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerException($"{path}: key '{key}' is {v.ValueKind}, expected true or false"),
        };
    }

    public static string? OptionalString(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new TokenizerException($"{path}: key '{key}' is {v.ValueKind}, expected a string");
        return v.GetString();
    }

    /// <summary>A special token written either as "&lt;pad&gt;" or as HF's AddedToken object {"content": "&lt;pad&gt;", ...}.</summary>
    public static string? TokenContent(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        if (v.ValueKind == JsonValueKind.Object) return Required(v, "content", $"{path} ({key})", JsonValueKind.String).GetString();
        throw new TokenizerException($"{path}: key '{key}' is {v.ValueKind}, expected a string or a token object with 'content'");
    }
}
