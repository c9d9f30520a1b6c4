namespace T5Sharp.Training;

/// <summary>
/// HF's TrainerControl: the switches callbacks flip to steer the loop. The trainer resets should_log / should_evaluate /
/// should_save when a step begins (and each after it has been acted on), should_epoch_stop when an epoch begins and
/// should_training_stop when training begins, as HF's CallbackHandler does.
/// </summary>
public sealed class TrainerControl
{
    public bool ShouldTrainingStop { get; set; }
    public bool ShouldEpochStop { get; set; }
    public bool ShouldSave { get; set; }
    public bool ShouldEvaluate { get; set; }
    public bool ShouldLog { get; set; }
}
