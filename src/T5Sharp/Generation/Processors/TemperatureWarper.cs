using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>HF's TemperatureLogitsWarper: scores / temperature.</summary>
public sealed class TemperatureWarper(double temperature) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores) => scores / temperature;
}
