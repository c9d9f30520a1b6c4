using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;

namespace T5Sharp.Generation;

/// <summary>
/// Reads generation settings under HF's JSON names: generation_config.json, a config.json's task_specific_params
/// preset, or any JSON object of overrides. Keys that don't steer generation (transformers_version, …) are ignored, as
/// HF keeps them as inert attributes.
/// </summary>
public static class GenerationConfigJson
{
    /// <summary>The settings a model folder implies: its generation_config.json, else its config.json's token ids.</summary>
    public static GenerationConfig ForModel(PretrainedT5 pretrained) =>
        pretrained.GenerationConfigJson is { } json
            ? Parse(json, Path.Combine(pretrained.Directory, ModelFiles.GenerationConfig), FromModelConfig(pretrained.Config))
            : FromModelConfig(pretrained.Config);

    /// <summary>GenerationConfig.from_model_config for T5: the decoder start, EOS and pad ids.</summary>
    public static GenerationConfig FromModelConfig(T5Config config) => new()
    {
        DecoderStartTokenId = config.DecoderStartId,
        EosTokenId = config.EosTokenId,
        PadTokenId = config.PadTokenId,
    };

    public static GenerationConfig Load(string path, GenerationConfig? baseConfig = null)
    {
        if (!File.Exists(path)) throw new GenerationConfigException($"{path}: file not found");
        return Parse(File.ReadAllText(path), path, baseConfig);
    }

    /// <summary>Applies the keys of the JSON object <paramref name="json"/> on top of <paramref name="baseConfig"/>.</summary>
    public static GenerationConfig Parse(string json, string source, GenerationConfig? baseConfig = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new GenerationConfigException($"{source}: invalid JSON: {JsonErrorText.Of(e)}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new GenerationConfigException($"{source}: expected a JSON object, found {document.RootElement.ValueKind}");
            return Apply(document.RootElement, source, baseConfig ?? new GenerationConfig());
        }
    }

    /// <summary>Overrides the settings named in <paramref name="settings"/> (a JSON object); other keys are ignored.</summary>
    public static GenerationConfig Apply(JsonElement settings, string source, GenerationConfig config)
    {
        foreach (var property in settings.EnumerateObject())
        {
            var v = property.Value;
            string key = property.Name;
            if (v.ValueKind == JsonValueKind.Null) continue; // HF writes unset settings as null
            config = key switch
            {
                "max_length" => config with { MaxLength = Int(v, key, source) },
                "max_new_tokens" => config with { MaxNewTokens = Int(v, key, source) },
                "min_length" => config with { MinLength = Int(v, key, source) },
                "min_new_tokens" => config with { MinNewTokens = Int(v, key, source) },
                "num_beams" => config with { NumBeams = Int(v, key, source) },
                "num_return_sequences" => config with { NumReturnSequences = Int(v, key, source) },
                "length_penalty" => config with { LengthPenalty = Double(v, key, source) },
                "early_stopping" => config with { EarlyStopping = ParseEarlyStopping(v, key, source) },
                "no_repeat_ngram_size" => config with { NoRepeatNgramSize = Int(v, key, source) },
                "encoder_no_repeat_ngram_size" => config with { EncoderNoRepeatNgramSize = Int(v, key, source) },
                "repetition_penalty" => config with { RepetitionPenalty = Double(v, key, source) },
                "bad_words_ids" => config with { BadWordsIds = IdLists(v, key, source) },
                "forced_eos_token_id" => config with { ForcedEosTokenId = SingleId(v, key, source) },
                "do_sample" => config with { DoSample = Bool(v, key, source) },
                "temperature" => config with { Temperature = Double(v, key, source) },
                "top_k" => config with { TopK = Int(v, key, source) },
                "top_p" => config with { TopP = Double(v, key, source) },
                "typical_p" => config with { TypicalP = Double(v, key, source) },
                "seed" => config with { Seed = Long(v, key, source) },
                "output_scores" => config with { OutputScores = Bool(v, key, source) },
                "decoder_start_token_id" => config with { DecoderStartTokenId = SingleId(v, key, source) },
                "eos_token_id" => config with { EosTokenId = SingleId(v, key, source) },
                "pad_token_id" => config with { PadTokenId = SingleId(v, key, source) },
                _ => config,
            };
        }
        return config;
    }

    /// <summary>true, false or "never" (HF's three beam-search stopping rules).</summary>
    public static EarlyStopping ParseEarlyStopping(JsonElement v, string key, string source) => v.ValueKind switch
    {
        JsonValueKind.True => EarlyStopping.WhenBeamsFinished,
        JsonValueKind.False => EarlyStopping.Heuristic,
        JsonValueKind.String when v.GetString() == "never" => EarlyStopping.Never,
        _ => throw Bad(key, source, "true, false or \"never\"", v),
    };

    static GenerationConfigException Bad(string key, string source, string expected, JsonElement found) =>
        new($"{source}: '{key}' must be {expected}, found {found.GetRawText()}");

    static int Int(JsonElement v, string key, string source) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Bad(key, source, "an integer", v);

    static long Long(JsonElement v, string key, string source) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) ? i : throw Bad(key, source, "an integer", v);

    static double Double(JsonElement v, string key, string source) =>
        v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad(key, source, "a number", v);

    static bool Bool(JsonElement v, string key, string source) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Bad(key, source, "true or false", v),
    };

    // HF allows a list of EOS ids; T5 has one, and our decoders track one, so a list must hold exactly one.
    static long SingleId(JsonElement v, string key, string source)
    {
        if (v.ValueKind == JsonValueKind.Array)
            return v.GetArrayLength() == 1 ? Long(v[0], key, source) : throw Bad(key, source, "one token id (lists of several are not supported)", v);
        return Long(v, key, source);
    }

    static IReadOnlyList<long[]> IdLists(JsonElement v, string key, string source)
    {
        if (v.ValueKind != JsonValueKind.Array) throw Bad(key, source, "a list of lists of token ids", v);
        var lists = new List<long[]>();
        foreach (var inner in v.EnumerateArray())
        {
            if (inner.ValueKind != JsonValueKind.Array) throw Bad(key, source, "a list of lists of token ids", v);
            lists.Add(inner.EnumerateArray().Select(x => Long(x, key, source)).ToArray());
        }
        return lists;
    }
}
