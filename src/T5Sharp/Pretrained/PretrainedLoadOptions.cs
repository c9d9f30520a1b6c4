using T5Sharp.Hub;
using T5Sharp.Modeling;
using T5Sharp.Runtime;

namespace T5Sharp.Pretrained;

/// <summary>How <see cref="PretrainedT5.Load"/> prepares a model (transformers' from_pretrained keyword arguments).</summary>
public sealed record PretrainedLoadOptions
{
    /// <summary>The compute type (torch_dtype); weights are read from any stored dtype and converted once.</summary>
    public ComputeType ComputeType { get; init; } = ComputeType.Float32;

    /// <summary>
    /// transformers' torch_dtype="auto": config.json's torch_dtype decides instead of <see cref="ComputeType"/> (absent:
    /// float32; bfloat16 only on a CPU that computes it; float16 is an error, see <see cref="ComputeTypes.FromTorchDtype"/>).
    /// </summary>
    public bool ComputeTypeFromConfig { get; init; }

    /// <summary>
    /// int8 weights for decoding (<see cref="T5ForConditionalGeneration.Quantize"/>), applied once after loading;
    /// needs the float32 compute type. None by default.
    /// </summary>
    public WeightQuantization Quantization { get; init; } = WeightQuantization.None;

    /// <summary>Where a Hub name is fetched from and how downloads report progress; null: the environment's Hub, silently.</summary>
    public HubPaths? Hub { get; init; }
}
