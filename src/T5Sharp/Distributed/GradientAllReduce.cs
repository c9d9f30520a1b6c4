using static TorchSharp.torch;

namespace T5Sharp.Distributed;

/// <summary>
/// DDP's gradient synchronisation: every rank's gradients replaced by their mean over the ranks. The gradients are
/// flattened into buckets of about <see cref="DefaultBucketBytes"/> (torch DDP's 25 MiB), each bucket all-reduced in
/// place (summed by MPI on the bucket's own memory), divided by the number of ranks and copied back, so a model of
/// many small tensors costs a few large messages rather than one per tensor. Gradients of a type MPI lacks here
/// (bfloat16, float16) travel as float32 and are rounded back.
/// </summary>
public static class GradientAllReduce
{
    public const long DefaultBucketBytes = 25L << 20;

    /// <summary>
    /// Averages the gradients of <paramref name="parameters"/> (the same list, in the same order, on every rank) over
    /// <paramref name="group"/>. A parameter without a gradient takes part as zeros (and then has one), so every rank
    /// sends buckets of the same layout. A single process returns at once.
    /// </summary>
    public static void Mean(IProcessGroup group, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, long bucketBytes = DefaultBucketBytes)
    {
        if (group.WorldSize == 1 || parameters.Count == 0) return;
        using var noGrad = no_grad();
        var bucket = new List<Tensor>();
        long bytes = 0;
        foreach (var parameter in parameters)
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                using (var zeros = zeros_like(parameter)) parameter.grad = zeros;
                grad = parameter.grad!;
            }
            bucket.Add(grad);
            bytes += grad.numel() * 4;
            if (bytes >= bucketBytes) Flush(group, bucket, ref bytes);
        }
        Flush(group, bucket, ref bytes);
    }

    static void Flush(IProcessGroup group, List<Tensor> bucket, ref long bytes)
    {
        if (bucket.Count == 0) return;
        using (var scope = NewDisposeScope())
        {
            var type = bucket.All(g => g.dtype == ScalarType.Float64) ? ScalarType.Float64 : ScalarType.Float32;
            var flat = cat(bucket.Select(g => g.detach().reshape(-1).to_type(type)).ToArray());
            group.AllReduce(flat, ReduceOp.Sum);
            flat.div_(group.WorldSize);
            long offset = 0;
            foreach (var grad in bucket)
            {
                long n = grad.numel();
                grad.copy_(flat.narrow(0, offset, n).view_as(grad));
                offset += n;
            }
        }
        foreach (var grad in bucket) grad.Dispose();
        bucket.Clear();
        bytes = 0;
    }
}
