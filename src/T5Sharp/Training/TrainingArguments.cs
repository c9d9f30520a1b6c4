using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Formats;
using T5Sharp.Hub;

namespace T5Sharp.Training;

/// <summary>
/// The training part of transformers' Seq2SeqTrainingArguments, with its JSON names, meanings and defaults. Keys we
/// don't use are kept, so a file written back loses nothing.
/// </summary>
public sealed class TrainingArguments
{
    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    [JsonPropertyName("output_dir")] public string OutputDir { get; set; } = "output";
    /// <summary>Train into an output_dir that holds a previous run, removing that run's checkpoints, final/ and metrics first.</summary>
    [JsonPropertyName("overwrite_output_dir")] public bool OverwriteOutputDir { get; set; }
    [JsonPropertyName("num_train_epochs")] public double NumTrainEpochs { get; set; } = 3.0;
    /// <summary>When > 0, the number of optimizer steps (overrides num_train_epochs).</summary>
    [JsonPropertyName("max_steps")] public long MaxSteps { get; set; } = -1;
    [JsonPropertyName("per_device_train_batch_size")] public int PerDeviceTrainBatchSize { get; set; } = 8;
    [JsonPropertyName("gradient_accumulation_steps")] public int GradientAccumulationSteps { get; set; } = 1;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; set; } = 5e-5;
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; set; }
    [JsonPropertyName("adam_beta1")] public double AdamBeta1 { get; set; } = 0.9;
    [JsonPropertyName("adam_beta2")] public double AdamBeta2 { get; set; } = 0.999;
    [JsonPropertyName("adam_epsilon")] public double AdamEpsilon { get; set; } = 1e-8;
    /// <summary>"adamw_torch" or "adafactor".</summary>
    [JsonPropertyName("optim")] public string Optim { get; set; } = "adamw_torch";
    [JsonPropertyName("lr_scheduler_type")] public string LrSchedulerType { get; set; } = "linear";
    [JsonPropertyName("warmup_steps")] public long WarmupSteps { get; set; }
    [JsonPropertyName("warmup_ratio")] public double WarmupRatio { get; set; }
    /// <summary>Clip the total gradient norm to this; 0 turns clipping (and grad_norm logging) off.</summary>
    [JsonPropertyName("max_grad_norm")] public double MaxGradNorm { get; set; } = 1.0;
    [JsonPropertyName("label_smoothing_factor")] public double LabelSmoothingFactor { get; set; }
    [JsonPropertyName("seed")] public int Seed { get; set; } = 42;
    /// <summary>
    /// bf16 mixed precision (HF's bf16 / torch.autocast): matmuls and attention of the forward and backward in bf16,
    /// float32 master weights, optimizer state, norms, softmax, residual stream and loss. Fast only where the CPU has
    /// AMX. With a <c>lora</c> adapter the frozen base is stored in bf16 and the adapter in float32, as peft users load it.
    /// </summary>
    [JsonPropertyName("bf16")] public bool Bf16 { get; set; }
    [JsonPropertyName("logging_steps")] public double LoggingSteps { get; set; } = 500;
    [JsonPropertyName("logging_first_step")] public bool LoggingFirstStep { get; set; }
    /// <summary>When to log the training loss: "no", "steps" (every <see cref="LoggingSteps"/>) or "epoch".</summary>
    [JsonPropertyName("logging_strategy")] public string LoggingStrategy { get; set; } = "steps";
    /// <summary>
    /// Where logs go besides metrics.jsonl: "tensorboard" (event files in <see cref="LoggingDir"/>), "all" (every
    /// integration we have: tensorboard) or "none"; a string or a list, as HF takes it. Default none.
    /// </summary>
    [JsonPropertyName("report_to")] public JsonElement? ReportToValue { get; set; }
    /// <summary>report_to as a list of names (kept as written in <see cref="ReportToValue"/>, so run.json reads as given).</summary>
    [JsonIgnore] public IReadOnlyList<string> ReportTo => ReportToValue switch
    {
        null or { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.String } e => [e.GetString()!],
        { ValueKind: JsonValueKind.Array } e when e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) =>
            e.EnumerateArray().Select(x => x.GetString()!).ToList(),
        var e => throw Bad("report_to", e, "a name or a list of names (tensorboard, all, none)"),
    };
    /// <summary>TensorBoard's log folder; null means HF's default, output_dir/runs/&lt;Mon DD_HH-MM-SS&gt;_&lt;host&gt;.</summary>
    [JsonPropertyName("logging_dir")] public string? LoggingDir { get; set; }
    /// <summary>
    /// Order each epoch with HF's LengthGroupedSampler (batches of similar source length, so padding wastes little)
    /// instead of a plain shuffle; its megabatches are cut for per_device_train_batch_size × gradient_accumulation_steps.
    /// </summary>
    [JsonPropertyName("group_by_length")] public bool GroupByLength { get; set; }

    /// <summary>When to evaluate: "no", "steps" (every <see cref="EvalSteps"/>) or "epoch".</summary>
    [JsonPropertyName("eval_strategy")] public string EvalStrategy { get; set; } = "no";
    /// <summary>Steps between evaluations; null means logging_steps (as HF); below 1 a fraction of the total steps.</summary>
    [JsonPropertyName("eval_steps")] public double? EvalSteps { get; set; }
    /// <summary>Evaluate once before the first step (the "before" of a before/after comparison).</summary>
    [JsonPropertyName("eval_on_start")] public bool EvalOnStart { get; set; }
    [JsonPropertyName("per_device_eval_batch_size")] public int PerDeviceEvalBatchSize { get; set; } = 8;
    /// <summary>When to write checkpoint-N folders: "no", "steps" (every <see cref="SaveSteps"/>) or "epoch".</summary>
    [JsonPropertyName("save_strategy")] public string SaveStrategy { get; set; } = "steps";
    [JsonPropertyName("save_steps")] public double SaveSteps { get; set; } = 500;
    /// <summary>Keep at most this many checkpoints, deleting the oldest first but never the best one.</summary>
    [JsonPropertyName("save_total_limit")] public int? SaveTotalLimit { get; set; }
    /// <summary>An evaluation key with or without "eval_" ("rouge1", "loss"); "loss" when load_best_model_at_end names none.</summary>
    [JsonPropertyName("metric_for_best_model")] public string? MetricForBestModel { get; set; }
    /// <summary>null: true unless the metric is the loss (HF's default).</summary>
    [JsonPropertyName("greater_is_better")] public bool? GreaterIsBetter { get; set; }
    [JsonPropertyName("load_best_model_at_end")] public bool LoadBestModelAtEnd { get; set; }
    /// <summary>Evaluation generates (and scores ROUGE) besides computing the teacher-forced loss.</summary>
    [JsonPropertyName("predict_with_generate")] public bool PredictWithGenerate { get; set; }
    /// <summary>max_length for generate during evaluation (counts the decoder start token, as HF).</summary>
    [JsonPropertyName("generation_max_length")] public int? GenerationMaxLength { get; set; }
    [JsonPropertyName("generation_num_beams")] public int? GenerationNumBeams { get; set; }

    /// <summary>Push the model to the Hub (repo hub_model_id) as hub_strategy says, off the training thread.</summary>
    [JsonPropertyName("push_to_hub")] public bool PushToHub { get; set; }
    /// <summary>owner/name (or a name, created under the token's user); null means the output_dir's folder name, as HF.</summary>
    [JsonPropertyName("hub_model_id")] public string? HubModelId { get; set; }
    /// <summary>"every_save" (HF's default), "end", "checkpoint" or "all_checkpoints"; see HubPushQueue.</summary>
    [JsonPropertyName("hub_strategy")] public string HubStrategy { get; set; } = "every_save";
    [JsonPropertyName("hub_private_repo")] public bool? HubPrivateRepo { get; set; }
    /// <summary>Overrides HF_TOKEN / the token file; written to files as "&lt;HUB_TOKEN&gt;", as HF does.</summary>
    [JsonPropertyName("hub_token")] public string? HubToken { get; set; }
    /// <summary>Push at every save even while the previous push is still running (HF skips such saves by default).</summary>
    [JsonPropertyName("hub_always_push")] public bool HubAlwaysPush { get; set; }

    /// <summary>Every other key of the file, written back unchanged.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }

    public static readonly IReadOnlyList<string> Optimizers = ["adamw_torch", "adafactor"];
    public static readonly IReadOnlyList<string> Strategies = ["no", "steps", "epoch"];
    public static readonly IReadOnlyList<string> Integrations = ["tensorboard", "all", "none"];
    public static readonly IReadOnlyList<string> HubStrategies = ["end", "every_save", "checkpoint", "all_checkpoints"];
    /// <summary>What a saved file holds instead of hub_token (HF's to_dict masks every *_token the same way).</summary>
    public const string MaskedHubToken = "<HUB_TOKEN>";

    /// <summary>metric_for_best_model as an evaluation key ("eval_rouge1"); null when no metric selects a best model.</summary>
    [JsonIgnore] public string? BestMetricKey
    {
        get
        {
            string? metric = MetricForBestModel ?? (LoadBestModelAtEnd ? "loss" : null);
            return metric is null ? null : metric.StartsWith("eval_", StringComparison.Ordinal) ? metric : "eval_" + metric;
        }
    }

    /// <summary>greater_is_better as HF resolves it: false for the loss, true otherwise, unless set.</summary>
    [JsonIgnore] public bool ResolvedGreaterIsBetter => GreaterIsBetter ?? BestMetricKey is not ("eval_loss" or null);

    /// <summary>report_to asks for TensorBoard event files ("tensorboard" or "all", unless "none" is listed).</summary>
    [JsonIgnore] public bool ReportsToTensorBoard => !ReportTo.Contains("none") && (ReportTo.Contains("tensorboard") || ReportTo.Contains("all"));

    /// <summary>Steps between evaluations under the "steps" strategy (eval_steps, else logging_steps).</summary>
    public long EvalInterval(long totalSteps) => Interval(EvalSteps ?? LoggingSteps, totalSteps);

    public long SaveInterval(long totalSteps) => Interval(SaveSteps, totalSteps);

    static long Interval(double value, long totalSteps) =>
        Math.Max(1, value < 1 ? (long)Math.Ceiling(totalSteps * value) : (long)value);

    /// <summary>
    /// logging_steps as HF reads it: a value below 1 is a fraction of the total steps (rounded up).
    /// </summary>
    public long LoggingInterval(long totalSteps) =>
        LoggingSteps < 1 ? (long)Math.Ceiling(totalSteps * LoggingSteps) : (long)LoggingSteps;

    /// <summary>Throws on the first argument out of range, naming it and the value found.</summary>
    public void Validate()
    {
        if (NumTrainEpochs <= 0 && MaxSteps <= 0) throw Bad("num_train_epochs", NumTrainEpochs, "> 0 (or max_steps > 0)");
        if (PerDeviceTrainBatchSize < 1) throw Bad("per_device_train_batch_size", PerDeviceTrainBatchSize, "≥ 1");
        if (GradientAccumulationSteps < 1) throw Bad("gradient_accumulation_steps", GradientAccumulationSteps, "≥ 1");
        if (LearningRate < 0) throw Bad("learning_rate", LearningRate, "≥ 0");
        if (WeightDecay < 0) throw Bad("weight_decay", WeightDecay, "≥ 0");
        if (!Optimizers.Contains(Optim)) throw Bad("optim", Optim, $"one of {string.Join(", ", Optimizers)}");
        if (!LearningRateSchedule.Types.Contains(LrSchedulerType))
            throw Bad("lr_scheduler_type", LrSchedulerType, $"one of {string.Join(", ", LearningRateSchedule.Types)}");
        if (WarmupSteps < 0) throw Bad("warmup_steps", WarmupSteps, "≥ 0");
        if (WarmupRatio is < 0 or > 1) throw Bad("warmup_ratio", WarmupRatio, "in [0, 1]");
        if (MaxGradNorm < 0) throw Bad("max_grad_norm", MaxGradNorm, "≥ 0");
        if (LabelSmoothingFactor is < 0 or >= 1) throw Bad("label_smoothing_factor", LabelSmoothingFactor, "in [0, 1)");
        if (LoggingSteps <= 0) throw Bad("logging_steps", LoggingSteps, "> 0");
        if (!Strategies.Contains(LoggingStrategy)) throw Bad("logging_strategy", LoggingStrategy, "one of no, steps, epoch");
        if (!Strategies.Contains(EvalStrategy)) throw Bad("eval_strategy", EvalStrategy, "one of no, steps, epoch");
        if (!Strategies.Contains(SaveStrategy)) throw Bad("save_strategy", SaveStrategy, "one of no, steps, epoch");
        if (EvalSteps is <= 0) throw Bad("eval_steps", EvalSteps, "> 0");
        if (SaveSteps <= 0) throw Bad("save_steps", SaveSteps, "> 0");
        if (SaveTotalLimit is < 1) throw Bad("save_total_limit", SaveTotalLimit, "≥ 1 (or null for no limit)");
        if (PerDeviceEvalBatchSize < 1) throw Bad("per_device_eval_batch_size", PerDeviceEvalBatchSize, "≥ 1");
        if (GenerationMaxLength is < 2) throw Bad("generation_max_length", GenerationMaxLength, "≥ 2 (it counts the start token)");
        if (GenerationNumBeams is < 1) throw Bad("generation_num_beams", GenerationNumBeams, "≥ 1");
        foreach (string target in ReportTo)
            if (!Integrations.Contains(target)) throw Bad("report_to", target, $"one of {string.Join(", ", Integrations)} (or a list of them)");
        if (!HubStrategies.Contains(HubStrategy)) throw Bad("hub_strategy", HubStrategy, $"one of {string.Join(", ", HubStrategies)}");
        if (HubModelId is { } id && !HubRepoId.IsValidId(id))
            throw Bad("hub_model_id", id, "a Hub repository name, 'owner/name' or 'name' (letters, digits, '-', '_', '.')");
        if (LoadBestModelAtEnd)
        {
            // as HF: the best model must be among the saved checkpoints, so saves have to coincide with evaluations
            if (EvalStrategy == "no" || SaveStrategy != EvalStrategy)
                throw Bad("save_strategy", SaveStrategy, $"equal to eval_strategy ({EvalStrategy}, not \"no\") with load_best_model_at_end");
            if (SaveStrategy == "steps" && SaveSteps >= 1 && (EvalSteps ?? LoggingSteps) >= 1 && SaveSteps % (EvalSteps ?? LoggingSteps) != 0)
                throw Bad("save_steps", SaveSteps, $"a multiple of eval_steps ({EvalSteps ?? LoggingSteps}) with load_best_model_at_end");
        }
    }

    static TrainingException Bad(string key, object found, string expected) =>
        new($"training argument {key} must be {expected}, found {found}");

    /// <summary>The arguments as JSON, hub_token masked: training_args.json files get pushed and shared.</summary>
    public string ToJson()
    {
        if (HubToken is null) return JsonSerializer.Serialize(this, JsonOptions);
        string token = HubToken;
        try
        {
            HubToken = MaskedHubToken;
            return JsonSerializer.Serialize(this, JsonOptions);
        }
        finally { HubToken = token; }
    }

    public static TrainingArguments FromJson(string json, string source)
    {
        TrainingArguments? args;
        try
        {
            args = JsonSerializer.Deserialize<TrainingArguments>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            string where = e.Path is null ? "" : $" at {e.Path}";
            throw new TrainingException($"{source}: invalid training arguments{where} (line {e.LineNumber + 1}): {e.Message}", e);
        }
        if (args is null) throw new TrainingException($"{source}: expected a JSON object of training arguments, found null");
        if (args.HubToken == MaskedHubToken) args.HubToken = null;    // a saved file's mask: fall back to HF_TOKEN
        try
        {
            args.Validate();
        }
        catch (TrainingException e)
        {
            throw new TrainingException($"{source}: {e.Message}", e);
        }
        return args;
    }

    public static TrainingArguments Load(string path)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: training arguments file not found");
        return FromJson(File.ReadAllText(path), path);
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public TrainingArguments Clone()
    {
        var clone = FromJson(ToJson(), "TrainingArguments.Clone");
        clone.HubToken = HubToken;
        return clone;
    }
}
