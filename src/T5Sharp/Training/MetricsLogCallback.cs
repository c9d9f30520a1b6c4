namespace T5Sharp.Training;

/// <summary>
/// Keeps a run folder's metrics.jsonl equal to log_history (see <see cref="MetricsLog"/>): written whole when training
/// begins (so a resumed run drops lines logged after its checkpoint), after every log entry and at the end.
/// </summary>
public sealed class MetricsLogCallback(string path) : ITrainerCallback
{
    public string Path { get; } = path;

    public void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) => MetricsLog.Write(Path, state.LogHistory);

    public void OnLog(TrainingArguments args, TrainerState state, TrainerControl control, LogHistoryEntry logs) =>
        MetricsLog.Write(Path, state.LogHistory);

    public void OnTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) => MetricsLog.Write(Path, state.LogHistory);
}
