using T5Sharp.Peft;

namespace T5Sharp.Training;

/// <summary>LoRA training: checkpoints hold the adapter in peft's layout (adapter_config.json + adapter_model.safetensors).</summary>
public sealed class LoraAdapterWeights(LoraModel lora, string? baseModelNameOrPath) : ICheckpointWeights
{
    public void Save(string dir) => LoraAdapter.Save(lora, dir, baseModelNameOrPath: baseModelNameOrPath);

    public void Load(string dir) => LoraAdapter.LoadWeights(lora, dir);
}
