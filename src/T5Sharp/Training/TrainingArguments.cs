using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Checkpoints;

namespace T5Sharp.Training;

/// <summary>
/// The training part of transformers' Seq2SeqTrainingArguments, with its JSON names, meanings and defaults. Keys we
/// don't use are kept, so a file written back loses nothing.
/// </summary>
public sealed class TrainingArguments
{
    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    [JsonPropertyName("output_dir")] public string OutputDir { get; set; } = "output";
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
    [JsonPropertyName("logging_steps")] public double LoggingSteps { get; set; } = 500;
    [JsonPropertyName("logging_first_step")] public bool LoggingFirstStep { get; set; }

    /// <summary>Every other key of the file, written back unchanged.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }

    public static readonly IReadOnlyList<string> Optimizers = ["adamw_torch", "adafactor"];

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
    }

    static TrainingException Bad(string key, object found, string expected) =>
        new($"training argument {key} must be {expected}, found {found}");

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

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

    public TrainingArguments Clone() => FromJson(ToJson(), "TrainingArguments.Clone");
}
