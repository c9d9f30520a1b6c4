using System.Text.Json;
using System.Text.Json.Serialization;

namespace T5Sharp.Training;

/// <summary>
/// One entry of HF's trainer_state.json log_history: a training log ({loss, grad_norm, learning_rate, epoch, step}),
/// the end-of-training summary ({train_loss, epoch, step}) or anything else (evaluation keys are kept in
/// <see cref="Other"/>). Absent values are not written.
/// </summary>
public sealed class LogHistoryEntry
{
    [JsonPropertyName("loss")] public double? Loss { get; set; }
    [JsonPropertyName("grad_norm")] public double? GradNorm { get; set; }
    [JsonPropertyName("learning_rate")] public double? LearningRate { get; set; }
    [JsonPropertyName("train_loss")] public double? TrainLoss { get; set; }
    [JsonPropertyName("epoch")] public double? Epoch { get; set; }
    [JsonPropertyName("step")] public long Step { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }
}
