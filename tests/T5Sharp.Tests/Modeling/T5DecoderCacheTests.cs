using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

/// <summary>Teacher-forced incremental decoding through the cache reproduces HF's full-sequence logits.</summary>
public class T5DecoderCacheTests
{
    [Theory]
    [InlineData("tiny-flan")]
    [InlineData("tiny-t5v1")]
    public void StepwiseDecodingWithReorderMatchesHfLogits(string modelName)
    {
        using var model = LoadModel(HfModelDir(modelName));
        var expected = SafeTensors.Load(Path.Combine(SharedPaths.Hf, modelName, "forward.safetensors"))["logits"];
        var (inputIds, mask, labels) = HfBatch();
        using var noGrad = no_grad();
        using var decoderIds = T5Sharp.Modeling.T5ForConditionalGeneration.ShiftRight(labels, 0, 0);
        using var encoded = model.Encode(inputIds, mask);
        using var cache = model.CreateDecoderCache(encoded, mask, initialCapacity: 2); // small: forces buffer growth
        using var reversed = tensor(new long[] { 2, 1, 0 });

        const int steps = 6; // positions 0..5; rows reversed after position 2, then a 2-token chunk at 3..4
        var order = new long[] { 0, 1, 2 };
        int position = 0;
        foreach (int chunk in new[] { 1, 1, 1, 2, 1 })
        {
            if (position == 3) { cache.Reorder(reversed); order = order.Reverse().ToArray(); }
            using var rows = tensor(order);
            using var ids = decoderIds.index_select(0, rows).narrow(1, position, chunk);
            using var logits = model.DecodeStep(ids, cache);
            using var want = expected.index_select(0, rows).narrow(1, position, chunk);
            Assert.True(MaxAbsDiff(logits, want) < 1e-4, $"positions {position}..{position + chunk - 1}");
            position += chunk;
        }
        Assert.Equal(steps, position);
        Assert.Equal(steps, cache.Length);
    }
}
