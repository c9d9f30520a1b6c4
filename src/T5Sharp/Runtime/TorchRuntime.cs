using TorchSharp;

namespace T5Sharp.Runtime;

/// <summary>One place that prepares libtorch for this process: thread count and determinism settings.</summary>
public static class TorchRuntime
{
    static int _initialized;

    /// <summary>Idempotent. Uses every core for intra-op parallelism (libtorch's default can be lower in containers).</summary>
    public static void Initialize(int? threads = null)
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1 && threads is null) return;
        torch.set_num_threads(threads ?? Environment.ProcessorCount);
    }
}
