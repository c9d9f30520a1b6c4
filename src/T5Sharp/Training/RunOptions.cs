using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using T5Sharp.Formats;
using T5Sharp.Hub;

namespace T5Sharp.Training;

/// <summary>
/// Everything a fine-tuning run needs, as one flat JSON object: the model and data keys below (the names of HF's
/// run_summarization.py where it has one) and every HF training argument (<see cref="Training"/>) side by side.
/// A run is this file plus <c>key=value</c> overrides; the run folder gets the resolved object as run.json.
/// </summary>
public sealed class RunOptions
{
    public const string FileName = "run.json";

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>A Hugging Face T5 model folder, or a Hub model name (owner/name[@revision]).</summary>
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>
    /// Training data: one file, or an array of files read one after the other (JSONL, JSON, CSV, TSV, Parquet); a Hub
    /// dataset name stands for its train split.
    /// </summary>
    [JsonPropertyName("data")] public JsonElement? Data { get; set; }
    /// <summary>
    /// Evaluation data (a Hub dataset name stands for its validation split); without it, <see cref="ValidationSplit"/>
    /// holds out part of the training data.
    /// </summary>
    [JsonPropertyName("eval_data")] public string? EvalData { get; set; }
    /// <summary>Fraction of the training records held out for evaluation (after a shuffle seeded by <see cref="SplitSeed"/>).</summary>
    [JsonPropertyName("validation_split")] public double ValidationSplit { get; set; }
    [JsonPropertyName("split_seed")] public int SplitSeed { get; set; } = 42;
    [JsonPropertyName("source_field")] public string? SourceField { get; set; }
    [JsonPropertyName("target_field")] public string? TargetField { get; set; }
    /// <summary>A prompt with {field} placeholders; replaces source_field.</summary>
    [JsonPropertyName("template")] public string? Template { get; set; }
    [JsonPropertyName("max_source_length")] public int MaxSourceLength { get; set; } = 512;
    [JsonPropertyName("max_target_length")] public int MaxTargetLength { get; set; } = 128;
    /// <summary>Use only the first N training (evaluation) records, as run_summarization.py's options.</summary>
    [JsonPropertyName("max_train_samples")] public int? MaxTrainSamples { get; set; }
    [JsonPropertyName("max_eval_samples")] public int? MaxEvalSamples { get; set; }
    /// <summary>Seeded reshuffle every epoch (HF's sampler); false keeps file order, to reproduce a run of another tool.</summary>
    [JsonPropertyName("shuffle")] public bool Shuffle { get; set; } = true;
    /// <summary>Micro-batches are padded to a multiple of this (DataCollatorForSeq2Seq's pad_to_multiple_of); null: no rounding.</summary>
    [JsonPropertyName("pad_to_multiple_of")] public int? PadToMultipleOf { get; set; } = 8;
    /// <summary>Parameters not trained: "encoder", "decoder", "embeddings" or parameter-name prefixes.</summary>
    [JsonPropertyName("freeze")] public List<string> Freeze { get; set; } = [];
    /// <summary>Stop after this many evaluations without improving metric_for_best_model by more than the threshold.</summary>
    [JsonPropertyName("early_stopping_patience")] public int? EarlyStoppingPatience { get; set; }
    [JsonPropertyName("early_stopping_threshold")] public double EarlyStoppingThreshold { get; set; }
    /// <summary>LoRA instead of full fine-tuning, as `r=32,alpha=32,dropout=0.05,targets=q,v` (peft's LoraConfig fields).</summary>
    [JsonPropertyName("lora")] public string? Lora { get; set; }
    /// <summary>Split predictions and references into sentences for rougeLsum (as HF's summarization scripts do with nltk).</summary>
    [JsonPropertyName("rouge_split_sentences")] public bool RougeSplitSentences { get; set; } = true;

    /// <summary>The HF training arguments (every key not named above).</summary>
    [JsonIgnore] public TrainingArguments Training { get; set; } = new();

    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }

    /// <summary>What <see cref="Parse"/> found worth saying but not fatal: transformers arguments ignored by name.</summary>
    [JsonIgnore] public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>The training files, whether <c>data</c> is one path or an array of paths.</summary>
    [JsonIgnore] public IReadOnlyList<string> DataFiles => Data switch
    {
        null => [],
        { ValueKind: JsonValueKind.String } e => [e.GetString()!],
        { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String
            ? x.GetString()! : throw new TrainingException($"run option data must be a path or an array of paths, found {x}")).ToList(),
        { ValueKind: JsonValueKind.Null } => [],
        var e => throw new TrainingException($"run option data must be a path or an array of paths, found {e}"),
    };

    /// <summary>
    /// Reads <paramref name="json"/> (or an empty object) and applies <paramref name="overrides"/> (<c>key=value</c>,
    /// the value read as JSON when it parses as JSON, else as a string), then validates everything. Hub names in
    /// model, data and eval_data are fetched through <paramref name="hub"/> (default: the environment's Hub) and
    /// replaced by their local paths (see <see cref="ResolveHubNames"/>).
    /// </summary>
    public static RunOptions Parse(string? json, string source, IEnumerable<string>? overrides = null, HubPaths? hub = null)
    {
        JsonObject root;
        try
        {
            root = (json is null ? new JsonObject() : JsonNode.Parse(json)) as JsonObject
                ?? throw new TrainingException($"{source}: expected a JSON object of run options");
        }
        catch (JsonException e)
        {
            throw new TrainingException($"{source}: invalid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        foreach (var item in overrides ?? [])
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new TrainingException($"override '{item}': expected key=value");
            root[item[..eq].Trim()] = ParseValue(item[(eq + 1)..]);
        }
        RunOptions options;
        try
        {
            options = root.Deserialize<RunOptions>(JsonOptions) ?? throw new TrainingException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new TrainingException($"{source}: invalid run option at {e.Path}: {e.Message}", e);
        }
        // what a user gives is checked: a misspelled key must not train with a default
        options.Warnings = RunOptionKeys.Check(options.Other ?? [], source);
        var training = new JsonObject();
        foreach (var (key, value) in options.Other ?? [])
            if (!RunOptionKeys.IsComputed(key)) training[key] = JsonNode.Parse(value.GetRawText()); // HF arguments we don't implement are kept and written back
        options.Other = null;
        options.Training = TrainingArguments.FromJson(training.ToJsonString(), source);
        options.Validate(source);
        options.ResolveHubNames(hub ?? new HubPaths());
        return options;
    }

    public static RunOptions Load(string path, IEnumerable<string>? overrides = null, HubPaths? hub = null)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: run options file not found");
        return Parse(File.ReadAllText(path), path, overrides, hub);
    }

    /// <summary>
    /// Replaces Hub names (owner/name[@revision]) in model, data (train split) and eval_data (validation split) by the
    /// local paths of their cached files, downloading what is missing. Other text stays as written: a missing local
    /// file is reported where it is read, naming the path.
    /// </summary>
    public void ResolveHubNames(HubPaths hub)
    {
        if (Model is { } model) Model = hub.ModelOrPath(model);
        if (Data is { ValueKind: JsonValueKind.String or JsonValueKind.Array })
        {
            var files = DataFiles.Select(f => hub.DataFileOrPath(f)).ToList();
            Data = Data.Value.ValueKind == JsonValueKind.String
                ? JsonSerializer.SerializeToElement(files[0]) : JsonSerializer.SerializeToElement(files);
        }
        if (EvalData is { } eval) EvalData = hub.DataFileOrPath(eval, "validation");
    }

    static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    void Validate(string source)
    {
        TrainingException Bad(string key, object? found, string expected) => new($"{source}: run option {key} must be {expected}, found {found ?? "null"}");
        _ = DataFiles;
        if (ValidationSplit is < 0 or >= 1) throw Bad("validation_split", ValidationSplit, "in [0, 1)");
        if (MaxSourceLength < 1) throw Bad("max_source_length", MaxSourceLength, "≥ 1");
        if (MaxTargetLength < 1) throw Bad("max_target_length", MaxTargetLength, "≥ 1");
        if (MaxTrainSamples is < 1) throw Bad("max_train_samples", MaxTrainSamples, "≥ 1");
        if (MaxEvalSamples is < 1) throw Bad("max_eval_samples", MaxEvalSamples, "≥ 1");
        if (PadToMultipleOf is < 1) throw Bad("pad_to_multiple_of", PadToMultipleOf, "≥ 1 or null");
        if (EarlyStoppingPatience is < 1) throw Bad("early_stopping_patience", EarlyStoppingPatience, "≥ 1");
        if (EarlyStoppingThreshold < 0) throw Bad("early_stopping_threshold", EarlyStoppingThreshold, "≥ 0");
        if (EarlyStoppingPatience is not null && Training.BestMetricKey is null)
            throw Bad("metric_for_best_model", null, "set (or load_best_model_at_end true) with early_stopping_patience");
        if (EarlyStoppingPatience is not null && Training.EvalStrategy == "no")
            throw Bad("eval_strategy", "no", "steps or epoch with early_stopping_patience");
    }

    /// <summary>The resolved options as one flat object: the run keys, then every training argument.</summary>
    public string ToJson()
    {
        var root = JsonSerializer.SerializeToNode(this, JsonOptions)!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(Training.ToJson())!.AsObject())
            root[key] = value?.DeepClone();
        return root.ToJsonString(JsonOptions);
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());
}
