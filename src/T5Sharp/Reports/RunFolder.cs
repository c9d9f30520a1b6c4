using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Training;

namespace T5Sharp.Reports;

/// <summary>
/// A finished (or running) training run folder as a report reads it: run.json (the resolved options), metrics.jsonl
/// (HF's log_history lines), the checkpoint-N folders and final/ — the trainer state of final/ when present, else of the
/// newest checkpoint, gives the best checkpoint.
/// </summary>
public sealed class RunFolder
{
    RunFolder(string path, string name, JsonObject options, IReadOnlyList<LogHistoryEntry> history, IReadOnlyList<string> checkpoints,
        TrainerState? state, bool hasFinal)
    {
        (Path, Name, Options, History, Checkpoints, State, HasFinal) = (path, name, options, history, checkpoints, state, hasFinal);
    }

    public string Path { get; }
    /// <summary>The folder's name, which labels the run's series and columns.</summary>
    public string Name { get; }
    /// <summary>run.json as written (empty when the folder has none).</summary>
    public JsonObject Options { get; }
    public IReadOnlyList<LogHistoryEntry> History { get; }
    /// <summary>checkpoint-N folder names, by step.</summary>
    public IReadOnlyList<string> Checkpoints { get; }
    /// <summary>final/trainer_state.json, or the newest checkpoint's; null when neither exists.</summary>
    public TrainerState? State { get; }
    public bool HasFinal { get; }

    /// <summary>Reads a run folder; a missing folder or metrics.jsonl, or a bad file, is a <see cref="TrainingException"/> naming it.</summary>
    public static RunFolder Load(string path, string? name = null)
    {
        if (!Directory.Exists(path)) throw new TrainingException($"{path}: run folder not found");
        string full = System.IO.Path.GetFullPath(path);
        var history = MetricsLog.Read(System.IO.Path.Combine(path, MetricsLog.FileName));
        var options = ReadOptions(System.IO.Path.Combine(path, RunOptions.FileName));
        var checkpoints = Directory.GetDirectories(path, CheckpointRotation.Prefix + "*")
            .Select(d => System.IO.Path.GetFileName(d)!)
            .Select(n => (Name: n, Step: long.TryParse(n[CheckpointRotation.Prefix.Length..], out long s) ? s : -1))
            .Where(c => c.Step >= 0).OrderBy(c => c.Step).Select(c => c.Name).ToList();
        string final = System.IO.Path.Combine(path, Seq2SeqTrainer.FinalDirName);
        string? statePath = new[] { final }.Concat(checkpoints.AsEnumerable().Reverse().Select(c => System.IO.Path.Combine(path, c)))
            .Select(d => System.IO.Path.Combine(d, TrainerState.FileName)).FirstOrDefault(File.Exists);
        var state = statePath is null ? null : TrainerState.Load(statePath);
        return new RunFolder(full, name ?? System.IO.Path.GetFileName(full.TrimEnd(System.IO.Path.DirectorySeparatorChar)), options,
            history, checkpoints, state, Directory.Exists(final));
    }

    static JsonObject ReadOptions(string path)
    {
        if (!File.Exists(path)) return [];
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new TrainingException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new TrainingException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The values of one log key by step, in log order: "loss", "grad_norm", "learning_rate", "train_loss" or any other
    /// key (eval_rouge1, tokens_per_second, …). Entries without the key are skipped.
    /// </summary>
    public MetricSeries Series(string key)
    {
        var steps = new List<double>();
        var values = new List<double>();
        foreach (var entry in History)
            if (Value(entry, key) is { } v && double.IsFinite(v))
            {
                steps.Add(entry.Step);
                values.Add(v);
            }
        return new MetricSeries(Name, key, steps, values);
    }

    /// <summary>Every key logged anywhere in the history beyond step and epoch, in first-seen order.</summary>
    public IReadOnlyList<string> Keys() => History
        .SelectMany(e => new[] { e.Loss is null ? null : "loss", e.GradNorm is null ? null : "grad_norm",
            e.LearningRate is null ? null : "learning_rate", e.TrainLoss is null ? null : "train_loss" }
            .Concat(e.Other?.Where(kv => kv.Value.ValueKind == JsonValueKind.Number).Select(kv => kv.Key) ?? []))
        .OfType<string>().Distinct().ToList();

    public static double? Value(LogHistoryEntry entry, string key) => key switch
    {
        "loss" => entry.Loss,
        "grad_norm" => entry.GradNorm,
        "learning_rate" => entry.LearningRate,
        "train_loss" => entry.TrainLoss,
        "epoch" => entry.Epoch,
        "step" => entry.Step,
        _ => entry.Other is { } other && other.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null,
    };
}
