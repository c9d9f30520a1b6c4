namespace T5Sharp.Generation;

/// <summary>HF's early_stopping for beam search: <c>false</c>, <c>true</c> or <c>"never"</c>.</summary>
public enum EarlyStopping
{
    /// <summary>false: stop a batch row when no open beam can still beat the worst kept hypothesis at the current length.</summary>
    Heuristic,
    /// <summary>true: stop a batch row as soon as num_beams hypotheses are finished.</summary>
    WhenBeamsFinished,
    /// <summary>"never": stop only when no open beam can beat the worst kept hypothesis even at max_length (the canonical beam search).</summary>
    Never,
}
