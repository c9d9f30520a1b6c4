using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T5Sharp.Checkpoints;

/// <summary>JSON written the way transformers writes its files: json.dumps(..., indent=2, sort_keys=True) + "\n".</summary>
internal static class JsonFiles
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
