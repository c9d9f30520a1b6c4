using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Formats;
using T5Sharp.Modeling;

namespace T5Sharp.Pretrained;

/// <summary>
/// The generation_config.json transformers writes for a model that has none of its own:
/// GenerationConfig.from_model_config(config) keeps the config's generation settings that differ from
/// GenerationConfig's defaults, marks the file `_from_model_config`, and stamps the transformers version.
/// </summary>
internal static class DerivedGenerationConfig
{
    /// <summary>The transformers release our files imitate (the fixtures' reference version), used when a config names none.</summary>
    public const string DefaultTransformersVersion = "4.44.0";

    // GenerationConfig's defaults for the settings a model config may carry (null: unset by default).
    static readonly Dictionary<string, JsonNode?> Defaults = new()
    {
        ["max_length"] = 20, ["min_length"] = 0, ["do_sample"] = false, ["early_stopping"] = false, ["num_beams"] = 1,
        ["num_beam_groups"] = 1, ["diversity_penalty"] = 0.0, ["temperature"] = 1.0, ["top_k"] = 50, ["top_p"] = 1.0,
        ["typical_p"] = 1.0, ["repetition_penalty"] = 1.0, ["length_penalty"] = 1.0, ["no_repeat_ngram_size"] = 0,
        ["encoder_no_repeat_ngram_size"] = 0, ["bad_words_ids"] = null, ["num_return_sequences"] = 1,
        ["output_scores"] = false, ["return_dict_in_generate"] = false, ["forced_bos_token_id"] = null,
        ["forced_eos_token_id"] = null, ["remove_invalid_values"] = false, ["exponential_decay_length_penalty"] = null,
        ["suppress_tokens"] = null, ["begin_suppress_tokens"] = null, ["bos_token_id"] = null, ["eos_token_id"] = null,
        ["pad_token_id"] = null, ["decoder_start_token_id"] = null, ["use_cache"] = true,
    };

    public static string ToJson(T5Config config)
    {
        var configJson = JsonNode.Parse(config.ToJson())!.AsObject();
        var result = new JsonObject { ["_from_model_config"] = true };
        foreach (var (key, fallback) in Defaults)
        {
            if (!configJson.TryGetPropertyValue(key, out var value) || value is null) continue;
            if (fallback is not null && JsonNode.DeepEquals(Normalize(value), Normalize(fallback))) continue;
            result[key] = value.DeepClone();
        }
        string version = configJson["transformers_version"] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s : DefaultTransformersVersion;
        result["transformers_version"] = version;
        return JsonFiles.ToSortedJson(result);
    }

    // 1 and 1.0 are the same setting in Python; compare numbers by value.
    static JsonNode Normalize(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? JsonValue.Create(double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)) : node;
}
