using T5Sharp.Hub;

namespace T5Sharp.Training;

/// <summary>
/// What became of one push of a training run: the commit made (<see cref="Result"/>), or why there was none — the push
/// failed (<see cref="Error"/>: the run goes on, its files stay on disk) or the save was skipped because the previous
/// push was still running (HF's behaviour unless hub_always_push).
/// </summary>
public sealed record HubPushReport(string CommitMessage, string Source, string PathInRepo, long? Step)
{
    public HubPushResult? Result { get; init; }
    public string? Error { get; init; }
    public bool Skipped { get; init; }
    public bool Succeeded => Result != null;
}
