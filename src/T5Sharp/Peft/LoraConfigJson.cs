using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Formats;

namespace T5Sharp.Peft;

/// <summary>adapter_config.json ⇄ <see cref="LoraConfig"/>, field by field, with the file and key in every error.</summary>
internal static class LoraConfigJson
{
    // Fields peft 0.12 writes that we don't model, with its defaults; written when a config was built in code.
    static readonly (string Key, Func<JsonNode?> Value)[] PeftDefaults =
    [
        ("auto_mapping", () => null), ("layer_replication", () => null), ("loftq_config", () => new JsonObject()),
        ("megatron_config", () => null), ("megatron_core", () => "megatron.core"), ("peft_type", () => "LORA"),
        ("revision", () => null), ("use_dora", () => false),
    ];

    public static LoraConfig Read(JsonObject root, string path)
    {
        var c = new LoraConfig();
        foreach (var (key, node) in root)
        {
            try
            {
                switch (key)
                {
                    case "r": c.R = node!.GetValue<int>(); break;
                    case "lora_alpha": c.LoraAlpha = node!.GetValue<double>(); break;
                    case "lora_dropout": c.LoraDropout = node!.GetValue<double>(); break;
                    case "target_modules": (c.TargetModules, c.TargetModulesRegex) = ListOrRegex(node); break;
                    case "exclude_modules": (c.ExcludeModules, c.ExcludeModulesRegex) = ListOrRegex(node); break;
                    case "bias": c.Bias = node!.GetValue<string>(); break;
                    case "use_rslora": c.UseRslora = node!.GetValue<bool>(); break;
                    case "modules_to_save": c.ModulesToSave = node is null ? null : Strings(node); break;
                    case "init_lora_weights": c.InitLoraWeights = Init(node); break;
                    case "layers_to_transform":
                        c.LayersToTransform = node switch
                        {
                            null => null,
                            JsonArray a => a.Select(x => x!.GetValue<int>()).ToList(),
                            _ => [node.GetValue<int>()],
                        };
                        break;
                    case "layers_pattern":
                        c.LayersPattern = node switch { null => null, JsonArray => Strings(node), _ => [node.GetValue<string>()] };
                        break;
                    case "rank_pattern":
                        c.RankPattern = (node as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
                        break;
                    case "alpha_pattern":
                        c.AlphaPattern = (node as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
                        break;
                    case "base_model_name_or_path": c.BaseModelNameOrPath = node?.GetValue<string>(); break;
                    case "task_type": c.TaskType = node?.GetValue<string>(); break;
                    case "inference_mode": c.InferenceMode = node!.GetValue<bool>(); break;
                    case "fan_in_fan_out": c.FanInFanOut = node!.GetValue<bool>(); break;
                    default: c.Extra[key] = node?.DeepClone(); break;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or JsonException)
            {
                throw new CheckpointException($"{path}: key '{key}' has value {node?.ToJsonString() ?? "null"}, " +
                                              $"which is not what peft's LoraConfig expects there ({e.Message})", e);
            }
        }
        return c;
    }

    public static JsonObject Write(LoraConfig c)
    {
        var o = new JsonObject
        {
            ["r"] = c.R,
            ["lora_alpha"] = Number(c.LoraAlpha),
            ["lora_dropout"] = PyFloat(c.LoraDropout),
            ["target_modules"] = c.TargetModulesRegex is { } regex ? regex : c.TargetModules is { } t ? Array(t) : null,
            ["bias"] = c.Bias,
            ["use_rslora"] = c.UseRslora,
            ["modules_to_save"] = c.ModulesToSave is { } m ? Array(m) : null,
            ["init_lora_weights"] = c.InitLoraWeights switch
            {
                LoraInit.Default => true, LoraInit.Random => false, _ => (JsonNode)"gaussian",
            },
            ["layers_to_transform"] = c.LayersToTransform is { } l ? new JsonArray(l.Select(x => (JsonNode?)x).ToArray()) : null,
            ["layers_pattern"] = c.LayersPattern is { } p ? Array(p) : null,
            ["rank_pattern"] = new JsonObject(c.RankPattern.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["alpha_pattern"] = new JsonObject(c.AlphaPattern.Select(kv => KeyValuePair.Create(kv.Key, Number(kv.Value)))),
            ["base_model_name_or_path"] = c.BaseModelNameOrPath,
            ["task_type"] = c.TaskType,
            ["inference_mode"] = c.InferenceMode,
            ["fan_in_fan_out"] = c.FanInFanOut,
        };
        // peft 0.12 rejects keys it doesn't know, so exclude_modules (peft >= 0.14) is written only when used.
        if (c.ExcludeModulesRegex is { } ex) o["exclude_modules"] = ex;
        else if (c.ExcludeModules is { } exl) o["exclude_modules"] = Array(exl);
        foreach (var (key, value) in PeftDefaults)
            if (!c.Extra.ContainsKey(key)) o[key] = value();
        foreach (var (key, value) in c.Extra) o[key] = value?.DeepClone();
        return o;
    }

    /// <summary>Whole numbers as JSON integers (peft types lora_alpha as int), others as floats.</summary>
    static JsonNode Number(double x) => x == Math.Floor(x) && Math.Abs(x) < 1e15 ? JsonValue.Create((long)x) : JsonValue.Create(x);

    /// <summary>A float as Python's json writes it ("0.0", "0.05"), so a peft config we rewrite keeps its text.</summary>
    static JsonNode PyFloat(double x)
    {
        string text = x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        return JsonNode.Parse(text.Replace("E", "e"))!;
    }

    static JsonArray Array(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)s).ToArray());

    static List<string> Strings(JsonNode node) => node.AsArray().Select(x => x!.GetValue<string>()).ToList();

    static (List<string>?, string?) ListOrRegex(JsonNode? node) => node switch
    {
        null => (null, null),
        JsonArray => (Strings(node), null),
        _ => (null, node.GetValue<string>()),
    };

    static LoraInit Init(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b ? LoraInit.Default : LoraInit.Random;
        string s = node!.GetValue<string>();
        return s == "gaussian" ? LoraInit.Gaussian
            : throw new InvalidOperationException($"init_lora_weights '{s}' is not supported (true, false or \"gaussian\")");
    }
}
