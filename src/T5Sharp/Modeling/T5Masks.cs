using T5Sharp.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>Additive attention masks as transformers builds them: 0 where attended, the dtype's lowest value where not
/// (cached scalars: see <see cref="Scalars"/>).</summary>
public static class T5Masks
{
    static double Lowest(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => double.MinValue,
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        _ => float.MinValue,
    };

    /// <summary>[B, S] 1/0 padding mask → [B, 1, 1, S] additive.</summary>
    public static Tensor Padding(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var m = attentionMask.to(dtype).unsqueeze(1).unsqueeze(1);
        return (m.neg().add_(Scalars.Of(1.0)) * Scalars.Of(Lowest(dtype))).MoveToOuterDisposeScope(); // (1 − m) · lowest
    }

    /// <summary>Causal mask [1, 1, queryLength, keyLength] for queries at positions queryStart.. over keys 0..keyLength-1.</summary>
    public static Tensor Causal(long queryStart, long queryLength, long keyLength, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var query = arange(queryStart, queryStart + queryLength, ScalarType.Int64, device).unsqueeze(1);
        var key = arange(0, keyLength, ScalarType.Int64, device).unsqueeze(0);
        var future = key.gt(query).to(dtype);
        return (future * Scalars.Of(Lowest(dtype))).unsqueeze(0).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [B, 1, 1, keyLength] additive mask hiding keys before each row's start slot (<paramref name="starts"/>[b]):
    /// a row that joined a running decoder cache late has no keys there.
    /// </summary>
    public static Tensor LeadingPadding(long[] starts, long keyLength, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var start = tensor(starts, [starts.Length, 1]).to(device);
        var key = arange(0, keyLength, ScalarType.Int64, device).unsqueeze(0);
        var before = key.lt(start).to(dtype);
        return (before * Scalars.Of(Lowest(dtype))).unsqueeze(1).unsqueeze(1).MoveToOuterDisposeScope();
    }
}
