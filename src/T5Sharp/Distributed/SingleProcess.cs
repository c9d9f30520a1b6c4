using static TorchSharp.torch;

namespace T5Sharp.Distributed;

/// <summary>The process group of a run that was not launched by MPI: one rank, every collective the identity.</summary>
public sealed class SingleProcess : IProcessGroup
{
    public static readonly SingleProcess Instance = new();

    SingleProcess() { }

    public int Rank => 0;
    public int WorldSize => 1;
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) { }
    public void Broadcast(Tensor tensor, int root = 0) { }
    public byte[][] AllGather(ReadOnlySpan<byte> data) => [data.ToArray()];
    public void Barrier() { }
}
