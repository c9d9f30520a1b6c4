using static TorchSharp.torch;

namespace T5Sharp.Distributed;

/// <summary>
/// The processes of one run and the collective operations between them (torch.distributed's process group). Every rank
/// must make the same calls in the same order with tensors of the same shape and type; a rank that does not blocks the
/// others. <see cref="SingleProcess"/> is the group of a plain run, where every operation is the identity.
/// </summary>
public interface IProcessGroup
{
    /// <summary>This process's index, 0 … <see cref="WorldSize"/> − 1.</summary>
    int Rank { get; }

    int WorldSize { get; }

    /// <summary>Rank 0: the one process that logs and writes the run's files.</summary>
    bool IsMain => Rank == 0;

    /// <summary>Replaces <paramref name="tensor"/>'s elements, in place, by their combination over all ranks.</summary>
    void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum);

    /// <summary>Overwrites <paramref name="tensor"/> on every rank with <paramref name="root"/>'s.</summary>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Every rank's bytes (of any length), indexed by rank, on every rank.</summary>
    byte[][] AllGather(ReadOnlySpan<byte> data);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}
