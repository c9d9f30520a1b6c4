using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Formats;

namespace T5Sharp.Training;

/// <summary>HF's trainer_state.json: progress and log history, written into every checkpoint folder.</summary>
public sealed class TrainerState
{
    public const string FileName = "trainer_state.json";

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonPropertyName("global_step")] public long GlobalStep { get; set; }
    [JsonPropertyName("epoch")] public double Epoch { get; set; }
    [JsonPropertyName("max_steps")] public long MaxSteps { get; set; }
    [JsonPropertyName("num_train_epochs")] public long NumTrainEpochs { get; set; }
    [JsonPropertyName("logging_steps")] public long LoggingSteps { get; set; }
    /// <summary>eval_steps and save_steps resolved to step counts (a fraction below 1 is of max_steps), as HF stores them.</summary>
    [JsonPropertyName("eval_steps")] public long EvalSteps { get; set; }
    [JsonPropertyName("save_steps")] public long SaveSteps { get; set; }
    [JsonPropertyName("train_batch_size")] public int TrainBatchSize { get; set; }
    [JsonPropertyName("log_history")] public List<LogHistoryEntry> LogHistory { get; set; } = [];
    /// <summary>HF writes these as null when no metric selects a best model.</summary>
    [JsonPropertyName("best_metric")] [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? BestMetric { get; set; }
    [JsonPropertyName("best_model_checkpoint")] [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? BestModelCheckpoint { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }
    /// <summary>Tokens/s, elapsed time and ETA of the running training (not saved; null before the first step).</summary>
    [JsonIgnore] public TrainingSpeed? Speed { get; set; }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static TrainerState Load(string path)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: trainer state file not found");
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), JsonOptions)
                ?? throw new TrainingException($"{path}: expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw new TrainingException($"{path}: invalid trainer state at {e.Path} (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }
}
