using static TorchSharp.torch;

namespace T5Sharp.Kernels;

/// <summary>
/// Disposes the managed tensor handles that TorchSharp's custom autograd functions leave behind. Without a dispose
/// scope around the caller, the wrappers of a forward's intermediate and output tensors and of a backward's returned
/// gradients would wait for the garbage collector, and with them the native memory they reference (whole activations).
/// Forward handles are disposed once <c>apply</c> has wrapped the outputs; returned gradients once libtorch has taken
/// them, i.e. at the next backward of any fused function on the thread (so at most one call's gradients linger).
/// </summary>
internal static class FunctionHandles
{
    [ThreadStatic] static List<Tensor>? _forward;
    [ThreadStatic] static List<Tensor>? _returned;

    /// <summary>Marks a handle made inside a forward for disposal when the enclosing <see cref="Apply"/> returns.</summary>
    public static Tensor Forward(Tensor t)
    {
        (_forward ??= []).Add(t);
        return t;
    }

    /// <summary>Runs a function's <c>apply</c>, then disposes the handles its forward marked.</summary>
    public static Tensor Apply(Func<Tensor> apply)
    {
        try { return apply(); }
        finally { DisposeAll(_forward); }
    }

    /// <summary>Call first in a backward: the previous backward's gradients have been taken by libtorch by now.</summary>
    public static void BeginBackward() => DisposeAll(_returned);

    /// <summary>
    /// Ends a backward: queues the returned gradients for the next backward and disposes now the other handles it used
    /// (the incoming gradient, saved tensors, copies), unless they are among the returned ones.
    /// </summary>
    public static List<Tensor> Returned(List<Tensor> gradients, params Tensor?[] used)
    {
        var returned = gradients.Where(g => g is not null).ToList();
        (_returned ??= []).AddRange(returned);
        foreach (var t in used)
            if (t is not null && !returned.Any(g => ReferenceEquals(g, t))) t.Dispose();
        return gradients;
    }

    static void DisposeAll(List<Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors) t.Dispose();
        tensors.Clear();
    }
}
