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

    /// <summary>Unpadded source + target tokens per second since training began (this process), in training log entries.</summary>
    public const string TokensPerSecondKey = "tokens_per_second";
    /// <summary>The process's resident memory in MiB when the entry was logged, in training log entries.</summary>
    public const string MemoryKey = "memory_rss_mib";

    /// <summary>
    /// The keys whose values are measured from the clock or the machine (throughput, memory, HF's train_runtime and its
    /// rates) rather than computed by training: a resumed run logs other values for them than an uninterrupted one.
    /// </summary>
    public static readonly IReadOnlySet<string> MeasuredKeys = new HashSet<string>
        { TokensPerSecondKey, MemoryKey, "train_runtime", "train_samples_per_second", "train_steps_per_second" };

    /// <summary>Adds keys beyond the typed ones (kept in <see cref="LogHistoryEntry.Other"/>, written as HF writes extra keys).</summary>
    public static void AddExtras(LogHistoryEntry entry, IReadOnlyDictionary<string, double> values)
    {
        entry.Other ??= [];
        foreach (var (key, value) in values) entry.Other[key] = JsonSerializer.SerializeToElement(value);
    }

    /// <summary>Reads a metrics.jsonl (blank lines skipped); a bad line is named by its number.</summary>
    public static List<LogHistoryEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: metrics file not found");
        var entries = new List<LogHistoryEntry>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                entries.Add(JsonSerializer.Deserialize<LogHistoryEntry>(line, LineOptions)
                    ?? throw new TrainingException($"{path}:{number}: expected a JSON object, found null"));
            }
            catch (JsonException e)
            {
                throw new TrainingException($"{path}:{number}: not a log_history entry: {e.Message}", e);
            }
        }
        return entries;
    }

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
