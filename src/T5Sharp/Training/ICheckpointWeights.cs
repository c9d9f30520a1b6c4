namespace T5Sharp.Training;

/// <summary>
/// What a checkpoint stores of the model and how it is read back: the whole model folder (full fine-tuning), or only a
/// LoRA adapter in peft's layout (the base weights don't change, so they aren't copied into every checkpoint).
/// </summary>
public interface ICheckpointWeights
{
    void Save(string dir);
    void Load(string dir);
}
