namespace T5Sharp.Training;

/// <summary>
/// What <see cref="Seq2SeqTrainer.Train"/> returns (HF's TrainOutput, with what a run folder adds): the trainer state
/// (log_history, best metric), every evaluation with its step (step 0 is eval_on_start), the final model folder (null
/// when cancelled or when the trainer was built from bare pieces), whether a cancellation or early stopping ended it,
/// and the last checkpoint written (for a cancelled run, the one that --resume continues from exactly).
/// </summary>
public sealed record TrainOutput(
    TrainerState State,
    IReadOnlyList<(long Step, TrainingEvaluation Evaluation)> Evaluations,
    string? FinalModelDir,
    bool Cancelled,
    bool EarlyStopped,
    string? LastCheckpoint);
