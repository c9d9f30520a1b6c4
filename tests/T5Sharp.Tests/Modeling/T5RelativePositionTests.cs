using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Modeling;

public class T5RelativePositionTests
{
    [Fact]
    public void BucketsEqualHfForBothDirectionsFromMinus300To300()
    {
        var reference = HfReference("tiny-flan").GetProperty("relative_position_buckets");
        var positions = reference.GetProperty("relative_positions").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        using var rel = tensor(positions, ScalarType.Int64);
        using var encoder = T5RelativePosition.Bucket(rel, bidirectional: true, 32, 128);
        using var decoder = T5RelativePosition.Bucket(rel, bidirectional: false, 32, 128);
        Assert.Equal(601, positions.Length);
        Assert.Equal(reference.GetProperty("encoder_bidirectional").EnumerateArray().Select(x => x.GetInt64()), encoder.data<long>().ToArray());
        Assert.Equal(reference.GetProperty("decoder_causal").EnumerateArray().Select(x => x.GetInt64()), decoder.data<long>().ToArray());
    }
}
