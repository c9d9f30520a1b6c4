using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>One tensor of a checkpoint file as its header or pickle describes it, without its data.</summary>
public sealed record CheckpointTensorInfo(string Name, ScalarType DType, long[] Shape)
{
    public long Numel => Shape.Aggregate(1L, (a, b) => a * b);
}
