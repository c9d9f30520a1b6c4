using System.Runtime.InteropServices;
using TorchSharp;

namespace T5Sharp.Runtime;

/// <summary>One place that prepares libtorch for this process: thread count, denormal handling and the C allocator.</summary>
public static class TorchRuntime
{
    static int _initialized;

    /// <summary>
    /// Idempotent. Uses every core for intra-op parallelism (libtorch's default can be lower in containers), turns on
    /// flush-to-zero for denormal floats and keeps freed memory in the process (see <see cref="KeepFreedMemory"/>).
    /// Call it before the first tensor operation: the denormal setting is per thread, and libtorch's worker threads
    /// take it from the thread that starts them.
    /// </summary>
    public static void Initialize(int? threads = null)
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1 && threads is null) return;
        KeepsFreedMemory = KeepFreedMemory();
        FlushDenormals = TryFlushDenormals();
        torch.set_num_threads(threads ?? Environment.ProcessorCount);
    }

    /// <summary>
    /// Turns flush-to-zero on for the calling thread (and the libtorch workers it starts): for a thread other than the one
    /// that called <see cref="Initialize"/> that does tensor work, e.g. a server's scheduler thread. Returns whether it is on.
    /// </summary>
    public static bool FlushDenormalsOnThisThread() => TryFlushDenormals();

    /// <summary>Whether flush-to-zero is on (x86 only; false where libtorch can't set it).</summary>
    public static bool FlushDenormals { get; private set; }

    /// <summary>Whether glibc was told to keep freed memory for reuse (false on other C libraries).</summary>
    public static bool KeepsFreedMemory { get; private set; }

    // Why: libtorch allocates every activation, gradient and temporary with malloc and frees them all each training
    // step. glibc serves blocks over 128 KiB (adaptively up to 32 MiB) with fresh mmaps and trims the heap top, so
    // each step got its memory back from the kernel page by page, zero-filled: page faults were ~7% of a flan-t5-small
    // step. Served from the heap and never trimmed, the next step reuses the same memory. Peak memory is unchanged;
    // the process just keeps its high-water mark (as PyTorch's own caching allocators do).
    static bool KeepFreedMemory()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
        const int TrimThreshold = -1, MmapMax = -4;
        try
        {
            return Mallopt(MmapMax, 0) == 1 && Mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    // Why: the softmax of a 32k vocabulary produces probabilities far below 1e-38; their gradients are denormal floats,
    // and x86 arithmetic on denormals is ~100× slower. Without this, lm_head's backward on a fresh model took 10 s of a
    // 12 s training step at the flan-t5-small shape. Values below 1.2e-38 become 0, far under any tolerance that matters.
    // PyTorch exposes the same switch as torch.set_flush_denormal; TorchSharp does not, so libtorch's own is called.
    static bool TryFlushDenormals()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return false;
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch, so the symbols below resolve to the same copy
            return SetFlushDenormal(GlobalContext(), true);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool SetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);
}
