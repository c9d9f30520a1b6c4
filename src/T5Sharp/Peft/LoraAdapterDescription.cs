using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;

namespace T5Sharp.Peft;

/// <summary>
/// What an adapter folder holds, read without a model: its config, and its tensors' count and size from the weights
/// file's header; with a base model, peft's trainable-parameter report computed on the real model.
/// </summary>
public sealed record LoraAdapterDescription(string Directory, LoraConfig Config, int TensorCount, long ParameterCount,
    TrainableParameterCount? Trainable)
{
    /// <summary>The scaling of the adapter's base rank (lora_alpha / r, or / √r with rsLoRA).</summary>
    public double Scaling => Config.Scaling(Config.R, Config.LoraAlpha);

    /// <summary>
    /// Reads <paramref name="adapterDir"/>; with <paramref name="baseModelDir"/> (a model folder) the adapter is also
    /// injected into that model's weights to count trainable parameters as peft's print_trainable_parameters does.
    /// </summary>
    public static LoraAdapterDescription Read(string adapterDir, string? baseModelDir = null)
    {
        var config = LoraConfig.Load(Path.Combine(adapterDir, LoraConfig.ConfigFile));
        string weights = Path.Combine(adapterDir, LoraAdapter.WeightsFile);
        var tensors = CheckpointReader.ReadHeader(File.Exists(weights) ? weights : Path.Combine(adapterDir, LoraAdapter.PickleWeightsFile));
        TrainableParameterCount? trainable = null;
        if (baseModelDir is not null)
        {
            // weights only: the report needs no tokenizer
            using var baseModel = new T5ForConditionalGeneration(T5Config.Load(Path.Combine(baseModelDir, ModelFiles.Config)));
            PretrainedT5.LoadWeights(baseModel, baseModelDir);
            trainable = LoraAdapter.Load(baseModel, adapterDir, trainable: true).CountParameters();
        }
        return new LoraAdapterDescription(adapterDir, config, tensors.Count, tensors.Sum(t => t.Numel), trainable);
    }
}
