namespace T5Sharp.Training;

/// <summary>
/// push_to_hub as a trainer callback: creates the repo when training begins (a missing or read-only token fails before
/// the first step, as HF's Trainer does at construction), hands every checkpoint to the <see cref="HubPushQueue"/> (which
/// uploads on a background task by hub_strategy), and at the end waits for the pushes under way and pushes the final
/// model. A failed push is reported through <see cref="Reported"/> and never stops training.
/// </summary>
public sealed class HubPushCallback(HubPushQueue queue, string finalDir) : ITrainerCallback
{
    public HubPushQueue Queue { get; } = queue;

    /// <summary>Each push's outcome as it happens (on the push's thread): a commit, a failure, or a skipped save.</summary>
    public event Action<HubPushReport>? Reported;

    /// <summary>Every push's outcome once training ended (empty before).</summary>
    public IReadOnlyList<HubPushReport> Reports { get; private set; } = [];

    internal void Report(HubPushReport report) => Reported?.Invoke(report);

    public void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) =>
        Queue.CreateRepoAsync().GetAwaiter().GetResult();

    public void OnSave(TrainingArguments args, TrainerState state, TrainerControl control, string checkpointDir) =>
        Queue.OnSave(checkpointDir, state.GlobalStep);

    public void OnTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) =>
        Reports = Queue.OnTrainEndAsync(finalDir).GetAwaiter().GetResult();

    /// <summary>The callback a run's arguments ask for (push_to_hub), or null.</summary>
    public static HubPushCallback? FromArguments(TrainingArguments args, string finalDir, Hub.HubOptions? options = null)
    {
        HubPushCallback? callback = null;
        var queue = HubPushQueue.FromArguments(args, options, report => callback?.Report(report));
        return queue is null ? null : callback = new HubPushCallback(queue, finalDir);
    }
}
