using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Formats;

namespace T5Sharp.Peft;

/// <summary>
/// peft's LoraConfig under its JSON names (adapter_config.json), with peft's defaults. Keys we don't model are kept in
/// <see cref="Extra"/> and written back, so a config read and saved again loses nothing. Reading and writing is done
/// by hand because peft's fields are polymorphic (target_modules: list or regex; init_lora_weights: bool or string).
/// </summary>
public sealed class LoraConfig
{
    public const string ConfigFile = "adapter_config.json";

    /// <summary>What transformers' T5 mapping in peft targets when target_modules is null.</summary>
    public static readonly IReadOnlyList<string> T5DefaultTargets = ["q", "v"];

    public int R { get; set; } = 8;
    public double LoraAlpha { get; set; } = 8;
    public double LoraDropout { get; set; }
    /// <summary>Module-name suffixes (peft matches "name == t" or "name ends with .t"); null = T5's default q, v.</summary>
    public List<string>? TargetModules { get; set; }
    /// <summary>When set, target_modules is this regex string, matched against the whole module name (re.fullmatch).</summary>
    public string? TargetModulesRegex { get; set; }
    public List<string>? ExcludeModules { get; set; }
    public string? ExcludeModulesRegex { get; set; }
    /// <summary>"none", "all" or "lora_only": which bias parameters also train (T5's linears have none).</summary>
    public string Bias { get; set; } = "none";
    public bool UseRslora { get; set; }
    public List<string>? ModulesToSave { get; set; }
    public LoraInit InitLoraWeights { get; set; } = LoraInit.Default;
    public List<int>? LayersToTransform { get; set; }
    public List<string>? LayersPattern { get; set; }
    public Dictionary<string, int> RankPattern { get; set; } = new();
    public Dictionary<string, double> AlphaPattern { get; set; } = new();
    public string? BaseModelNameOrPath { get; set; }
    public string? TaskType { get; set; } = "SEQ_2_SEQ_LM";
    public bool InferenceMode { get; set; }
    public bool FanInFanOut { get; set; }
    /// <summary>Every other key of the file (revision, loftq_config, megatron_*, …), written back unchanged.</summary>
    public Dictionary<string, JsonNode?> Extra { get; set; } = new();

    /// <summary>The effective target suffixes: target_modules, or T5's default when it is null.</summary>
    public IReadOnlyList<string> EffectiveTargets => TargetModules ?? (TargetModulesRegex is null ? T5DefaultTargets : []);

    /// <summary>Checks values the way peft's LoraConfig does; <paramref name="source"/> names the file or option in the message.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string key, string what)
        {
            if (!ok) throw new PeftException($"{source}: '{key}' {what}");
        }
        Require(R > 0, "r", $"is {R}; it must be a positive integer");
        Require(LoraDropout is >= 0 and < 1, "lora_dropout", $"is {LoraDropout}; expected 0 <= p < 1");
        Require(Bias is "none" or "all" or "lora_only", "bias", $"is '{Bias}'; expected none, all or lora_only");
        Require(!FanInFanOut, "fan_in_fan_out", "is true, but T5's linear layers store weights as (out, in)");
        foreach (var (key, rank) in RankPattern) Require(rank > 0, "rank_pattern", $"gives '{key}' rank {rank}; ranks must be positive");
        if (Extra.TryGetValue("use_dora", out var dora) && dora is JsonValue v && v.TryGetValue<bool>(out var useDora))
            Require(!useDora, "use_dora", "is true; DoRA adapters are not supported by T5Sharp");
        if (Extra.TryGetValue("peft_type", out var type) && type?.GetValue<string>() is { } peftType)
            Require(peftType == "LORA", "peft_type", $"is '{peftType}'; only LORA adapters are supported");
        if (LayersToTransform is not null) Require(TargetModulesRegex is null, "layers_to_transform",
            "only applies when target_modules is a list (peft ignores it with a regex); remove one of them");
    }

    /// <summary>Scaling of one module with rank <paramref name="r"/> and alpha <paramref name="alpha"/>: α/r, or α/√r with rsLoRA.</summary>
    public double Scaling(int r, double alpha) => UseRslora ? alpha / Math.Sqrt(r) : alpha / r;

    public static LoraConfig Load(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new CheckpointException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: invalid JSON: {e.Message}", e);
        }
        var config = LoraConfigJson.Read(root, path);
        config.Validate(path);
        return config;
    }

    /// <summary>The adapter_config.json text, peft's way: every field (nulls included), keys sorted, indent 2.</summary>
    public string ToJson() => JsonFiles.ToSortedJson(LoraConfigJson.Write(this));

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public LoraConfig Clone()
    {
        // through text: nodes built in code hold CLR values that GetValue won't convert (long → double)
        return LoraConfigJson.Read(JsonNode.Parse(ToJson())!.AsObject(), "clone");
    }
}
