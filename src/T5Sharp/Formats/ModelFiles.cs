namespace T5Sharp.Formats;

/// <summary>The file names of a Hugging Face model folder, as save_pretrained writes them.</summary>
public static class ModelFiles
{
    public const string Config = "config.json";
    public const string GenerationConfig = "generation_config.json";
    public const string SafeTensors = "model.safetensors";
    public const string SafeTensorsIndex = "model.safetensors.index.json";
    public const string PyTorch = "pytorch_model.bin";
    public const string PyTorchIndex = "pytorch_model.bin.index.json";
}
