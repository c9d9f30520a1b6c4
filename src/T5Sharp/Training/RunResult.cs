namespace T5Sharp.Training;

/// <summary>
/// How a <see cref="TrainingRun"/> ended: its trainer state (log_history, best metric), every evaluation with its step
/// (step 0 is eval_on_start), the final model folder (null when cancelled), and for a cancelled run the checkpoint it
/// saved so that --resume continues exactly.
/// </summary>
public sealed record RunResult(
    TrainerState State,
    IReadOnlyList<(long Step, TrainingEvaluation Evaluation)> Evaluations,
    string? FinalModelDir,
    bool Cancelled,
    bool EarlyStopped,
    string? LastCheckpoint);
