namespace T5Sharp.Training;

/// <summary>What a <see cref="RunEvent"/> reports.</summary>
public enum RunEventKind
{
    /// <summary>An optimizer step finished (loss, lr, tokens/s, ETA).</summary>
    Step,
    /// <summary>An evaluation finished (<see cref="RunEvent.Metrics"/>).</summary>
    Evaluation,
    /// <summary>A checkpoint folder was written (<see cref="RunEvent.Path"/>).</summary>
    Checkpoint,
    /// <summary>Early stopping ended training.</summary>
    EarlyStop,
}
