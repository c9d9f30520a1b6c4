using System.Collections.Concurrent;
using TorchSharp;

namespace T5Sharp.Runtime;

/// <summary>
/// TorchSharp scalars that live for the whole process, for the operations that run at every decoding step. A scalar
/// that C# makes implicitly (<c>x * 0.5</c>, <c>x.lt(16)</c>) is unreachable as soon as TorchSharp has read its native
/// handle, so a garbage collection during the native call (any thread's allocation can start one) lets the finalizer
/// thread free it while libtorch is still reading it: TorchSharp 0.107 keeps no reference (no GC.KeepAlive) and puts
/// no scalar in dispose scopes. Seen once in the suite as "Unknown scalar type" from at::lt, under the server tests'
/// concurrent generation. A cached scalar is never collected; c10 scalars are immutable, so threads may share them.
/// The cache holds the few constants a model uses (its masks' lowest values, √d_kv, bucket bounds, pad ids).
/// </summary>
public static class Scalars
{
    static readonly ConcurrentDictionary<long, Scalar> Integers = new();
    static readonly ConcurrentDictionary<double, Scalar> Doubles = new();
    static readonly ConcurrentDictionary<float, Scalar> Singles = new();

    /// <summary>An integer scalar (int64 in c10, as an implicit int or long gives).</summary>
    public static Scalar Of(long value) => Integers.GetOrAdd(value, v => v.ToScalar());

    /// <summary>A double scalar (as an implicit double gives).</summary>
    public static Scalar Of(double value) => Doubles.GetOrAdd(value, v => v.ToScalar());

    /// <summary>A float scalar (as an implicit float gives).</summary>
    public static Scalar Of(float value) => Singles.GetOrAdd(value, v => v.ToScalar());
}
