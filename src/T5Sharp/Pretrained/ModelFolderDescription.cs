using T5Sharp.Modeling;
using static TorchSharp.torch;

namespace T5Sharp.Pretrained;

/// <summary>
/// What a model folder holds, read from file sizes and tensor headers only (for `t5sharp info`).
/// <see cref="ParameterCount"/> counts each stored tensor once: entries of a pytorch_model.bin that view the same storage
/// (tied embeddings) count once, as transformers' num_parameters does.
/// </summary>
public sealed record ModelFolderDescription(
    string Directory,
    IReadOnlyList<ModelFolderFile> Files,
    string WeightsFile,
    int TensorCount,
    long ParameterCount,
    IReadOnlyDictionary<ScalarType, int> TensorsPerDType,
    T5Config? Config)
{
    /// <summary>Why the folder is not a whole model (no config.json, files of a write that did not finish); empty when whole.</summary>
    public IReadOnlyList<string> Incomplete { get; init; } = [];
}
