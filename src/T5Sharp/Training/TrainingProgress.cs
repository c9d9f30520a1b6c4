using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Formats;

namespace T5Sharp.Training;

/// <summary>
/// The loop's running values that trainer_state.json doesn't hold but an exact resume needs: the scheduler's step count
/// (HF's scheduler.pt), the loss summed since the last log, the total for train_loss, and the last logged step.
/// Written as training_progress.json into each checkpoint folder.
/// </summary>
public sealed class TrainingProgress
{
    public const string FileName = "training_progress.json";

    [JsonPropertyName("scheduler_last_epoch")] public long SchedulerStepCount { get; set; }
    [JsonPropertyName("unlogged_loss")] public float UnloggedLoss { get; set; }
    [JsonPropertyName("total_logged_loss")] public double TotalLoggedLoss { get; set; }
    [JsonPropertyName("last_logged_step")] public long LastLoggedStep { get; set; }
    /// <summary>
    /// Where the next micro-batch comes from (epoch, index in the epoch). Stored rather than derived from the step count:
    /// when an epoch's micro-batches don't divide by the accumulation steps, the left-over ones carry into the next
    /// epoch's first step (as in transformers), so steps and epoch boundaries don't line up.
    /// </summary>
    [JsonPropertyName("next_epoch")] public long? NextEpoch { get; set; }
    [JsonPropertyName("next_micro_batch")] public int? NextMicroBatch { get; set; }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    public static TrainingProgress Load(string path)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: training progress file not found");
        try
        {
            return JsonSerializer.Deserialize<TrainingProgress>(File.ReadAllText(path))
                ?? throw new TrainingException($"{path}: expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw new TrainingException($"{path}: invalid training progress at {e.Path} (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }
}
