using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Formats;

namespace T5Sharp.Training;

/// <summary>
/// metrics.jsonl of a run folder: one JSON line per log_history entry (training logs, evaluations, the closing
/// train_loss), in HF's keys. Rewritten whole and atomically after each event, so it always matches the trainer state
/// and a resumed run continues it without duplicates.
/// </summary>
public static class MetricsLog
{
    public const string FileName = "metrics.jsonl";

    static readonly JsonSerializerOptions LineOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static void Write(string path, IEnumerable<LogHistoryEntry> history) =>
        AtomicFile.WriteAllText(path, string.Concat(history.Select(e => JsonSerializer.Serialize(e, LineOptions) + "\n")));

    /// <summary>A log_history entry for an evaluation: the eval_* metrics, then epoch and step (as HF logs them).</summary>
    public static LogHistoryEntry EvaluationEntry(IReadOnlyDictionary<string, double> metrics, double epoch, long step) => new()
    {
        Epoch = epoch,
        Step = step,
        Other = metrics.ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value)),
    };
}
