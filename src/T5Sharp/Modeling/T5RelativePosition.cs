using T5Sharp.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// T5's relative position buckets (transformers' T5Attention._relative_position_bucket): half the buckets hold exact
/// small distances, the other half logarithmically larger ones up to max_distance, beyond which all share the last
/// bucket. Bidirectional (encoder) spends half the buckets on each direction; causal (decoder) sees only the past.
/// </summary>
public static class T5RelativePosition
{
    /// <param name="relativePosition">memory position − query position, int64, any shape.</param>
    public static Tensor Bucket(Tensor relativePosition, bool bidirectional, int numBuckets, int maxDistance)
    {
        using var scope = NewDisposeScope();
        var rel = relativePosition;
        var buckets = zeros_like(rel);
        if (bidirectional)
        {
            numBuckets /= 2;
            buckets = buckets + rel.gt(Scalars.Of(0L)).to(ScalarType.Int64) * Scalars.Of((long)numBuckets);
            rel = rel.abs();
        }
        else
        {
            rel = -rel.clamp_max(Scalars.Of(0L));
        }
        int maxExact = numBuckets / 2;
        var isSmall = rel.lt(Scalars.Of((long)maxExact));
        // float32 arithmetic as in transformers, so the bucket edges round the same way; log(0) is masked out below.
        // (explicit cached scalars: see Scalars — this runs at every decoding step)
        var large = (rel.to(ScalarType.Float32) / Scalars.Of((float)maxExact)).log() / Scalars.Of(Math.Log(maxDistance / (double)maxExact))
                    * Scalars.Of((long)(numBuckets - maxExact));
        var largeBucket = (large.to(ScalarType.Int64) + Scalars.Of((long)maxExact)).clamp_max(Scalars.Of((long)(numBuckets - 1)));
        return (buckets + where(isSmall, rel, largeBucket)).MoveToOuterDisposeScope();
    }
}
