using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp.Modules;
using static TorchSharp.torch.utils.tensorboard;

namespace T5Sharp.Training;

/// <summary>
/// transformers' TensorBoardCallback (report_to: tensorboard), so that runs of both tools sit side by side in one
/// TensorBoard: at train begin the training arguments (<c>args</c>) and the model's config.json (<c>model_config</c>) as
/// text; at every log each number under HF's rewrite_logs name (<c>eval_x</c> → <c>eval/x</c>, everything else
/// <c>train/x</c>: <c>train/loss</c>, <c>train/learning_rate</c>, <c>train/grad_norm</c>, <c>train/epoch</c>) at the
/// global step — which includes <c>train/tokens_per_second</c> and <c>train/memory_rss_mib</c>, since the trainer's
/// training logs carry them (HF logs neither).
/// Written through TorchSharp's SummaryWriter: it opens, appends, flushes and closes the event file for every event, so
/// a live TensorBoard sees each log at once and a cancelled or crashed run leaves whole records behind.
/// </summary>
public sealed class TensorBoardCallback(string logDir, string? modelConfigJson = null) : ITrainerCallback
{
    /// <summary>The tag of the trainer's throughput (metrics.jsonl's tokens_per_second).</summary>
    public const string TokensPerSecondTag = "train/" + MetricsLog.TokensPerSecondKey;

    static readonly JsonSerializerOptions EntryOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    SummaryWriter? _writer;

    public string LogDir { get; } = logDir;

    /// <summary>
    /// HF's default logging_dir: <c>output_dir/runs/{%b%d_%H-%M-%S}_{hostname}</c> (local time, e.g. Dec01_23-45-12_box), a
    /// new folder per run so that TensorBoard shows each as its own run.
    /// </summary>
    public static string DefaultLogDir(string outputDir, DateTime now, string host) =>
        Path.Combine(outputDir, "runs", now.ToString("MMMdd_HH-mm-ss", CultureInfo.InvariantCulture) + "_" + host);

    /// <summary>HF's rewrite_logs: eval_x → eval/x, test_x → test/x, everything else train/x.</summary>
    public static string TagOf(string key) =>
        key.StartsWith("eval_", StringComparison.Ordinal) ? "eval/" + key[5..]
        : key.StartsWith("test_", StringComparison.Ordinal) ? "test/" + key[5..]
        : "train/" + key;

    public void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control)
    {
        _writer ??= SummaryWriter(LogDir);
        _writer.add_text("args", args.ToJson(), 0);
        if (modelConfigJson is not null) _writer.add_text("model_config", modelConfigJson, 0);
    }

    public void OnLog(TrainingArguments args, TrainerState state, TrainerControl control, LogHistoryEntry logs)
    {
        _writer ??= SummaryWriter(LogDir);
        int step = checked((int)state.GlobalStep);
        // HF's on_log receives the entry without its "step" (the trainer adds it to log_history only)
        foreach (var property in JsonSerializer.SerializeToElement(logs, EntryOptions).EnumerateObject())
        {
            if (property.Name == "step") continue;
            if (property.Value.ValueKind == JsonValueKind.Number) _writer.add_scalar(TagOf(property.Name), (float)property.Value.GetDouble(), step);
            else if (property.Value.ValueKind == JsonValueKind.String) _writer.add_text(TagOf(property.Name), property.Value.GetString()!, step);
        }
    }

    /// <summary>HF closes its writer here; TorchSharp's holds no open file between events, so letting it go is the close.</summary>
    public void OnTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) => _writer = null;
}
