using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Generation;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Generation;

/// <summary>Sampling: top_k=1 is HF's greedy output; a seed makes it reproducible; draws follow the warped softmax of HF's logits.</summary>
public class SamplingTests
{
    static JsonElement HfGreedy(string model) => HfReference(model).GetProperty("generate").GetProperty("runs").EnumerateArray()
        .Single(r => r.GetProperty("name").GetString() == "greedy");

    [Theory]
    [InlineData("tiny-flan")]
    [InlineData("tiny-t5v1")]
    public void TopK1SamplingEqualsHfGreedy(string modelName)
    {
        using var model = LoadModel(HfModelDir(modelName));
        var (ids, mask, labels) = HfBatch();
        using (ids) using (mask) using (labels)
        {
            var config = new GenerationConfig { DoSample = true, TopK = 1, Temperature = 0.7, MaxNewTokens = 20, Seed = 5 };
            var output = Seq2SeqGenerator.Generate(model, ids, mask, config);
            Assert.Equal(LongRows(HfGreedy(modelName).GetProperty("sequences")), output.Sequences);
        }
    }

    [Fact]
    public void SameSeedReproducesAndOtherSeedsDiffer()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        var (ids, mask, labels) = HfBatch();
        using (ids) using (mask) using (labels)
        {
            var config = new GenerationConfig { DoSample = true, Temperature = 1.5, TopK = 0, MaxNewTokens = 12, NumReturnSequences = 3, Seed = 42 };
            var first = Seq2SeqGenerator.Generate(model, ids, mask, config);
            var again = Seq2SeqGenerator.Generate(model, ids, mask, config);
            var other = Seq2SeqGenerator.Generate(model, ids, mask, config with { Seed = 43 });
            Assert.Equal(9, first.Sequences.Length); // 3 inputs × 3 samples, grouped per input
            Assert.Equal(first.Sequences, again.Sequences);
            Assert.Equal(first.ChosenTokenScores, again.ChosenTokenScores);
            Assert.NotEqual(first.Sequences, other.Sequences);
        }
    }

    /// <summary>
    /// 4,000 first-step draws for input 1 of hf/batch.json with temperature 0.8, top_k 30, top_p 0.9. The expected
    /// distribution is computed here, in double precision, from HF's own first-step logits (forward.safetensors,
    /// decoder position 0 = the start token). Each token's frequency must lie within 4.5 standard errors of its
    /// probability (√(p(1−p)/N) ≈ 0.008 at p = 0.5), tokens outside the nucleus must never be drawn, and Pearson's
    /// χ² over the kept tokens must stay below df + 4·√(2·df) (its mean plus four standard deviations).
    /// </summary>
    [Fact]
    public void DrawFrequenciesMatchTheWarpedSoftmaxOfHfLogits()
    {
        const int draws = 4000;
        const double temperature = 0.8, topP = 0.9;
        const int topK = 30;
        var forward = SafeTensors.Load(Path.Combine(SharedPaths.Hf, "tiny-flan", "forward.safetensors"));
        var logits = forward["logits"][1, 0].to(ScalarType.Float64).data<double>().ToArray();
        foreach (var t in forward.Values) t.Dispose();
        var expected = WarpedProbabilities(logits, temperature, topK, topP);

        using var model = LoadModel(HfModelDir("tiny-flan"));
        var (ids, mask, labels) = HfBatch();
        using (ids) using (mask) using (labels)
        {
            using var row = ids[1].narrow(0, 0, 7).unsqueeze(0); // input 1 has 7 tokens; no padding needed alone
            using var rowMask = ones_like(row);
            var config = new GenerationConfig
            {
                DoSample = true, Temperature = temperature, TopK = topK, TopP = topP, MaxNewTokens = 1,
                NumReturnSequences = draws, Seed = 2024,
            };
            var output = Seq2SeqGenerator.Generate(model, row, rowMask, config);
            var counts = new double[logits.Length];
            foreach (var sequence in output.Sequences) counts[sequence[1]]++;
            double chiSquare = 0;
            for (int token = 0; token < logits.Length; token++)
            {
                double p = expected[token], frequency = counts[token] / draws;
                if (p > 0) chiSquare += Math.Pow(counts[token] - draws * p, 2) / (draws * p);
                if (p == 0) Assert.True(counts[token] == 0, $"token {token} is outside top-k/top-p but was drawn {counts[token]} times");
                else Assert.True(Math.Abs(frequency - p) <= 4.5 * Math.Sqrt(p * (1 - p) / draws),
                    $"token {token}: frequency {frequency:F4} vs probability {p:F4}");
            }
            int kept = expected.Count(p => p > 0);
            Assert.True(kept > 3, "the test needs a distribution over several tokens");
            int df = kept - 1;
            Assert.True(chiSquare < df + 4 * Math.Sqrt(2.0 * df), $"χ² = {chiSquare:F1} with {df} degrees of freedom");
        }
    }

    // Temperature, then top-k, then top-p (HF's warper order), then softmax.
    static double[] WarpedProbabilities(double[] logits, double temperature, int topK, double topP)
    {
        var scaled = logits.Select(x => x / temperature).ToArray();
        double kth = scaled.OrderByDescending(x => x).ElementAt(topK - 1);
        var kept = scaled.Select(x => x >= kth ? x : double.NegativeInfinity).ToArray();
        var probs = Softmax(kept);
        // nucleus: drop the least likely tokens whose cumulative probability stays within 1 - top_p
        var ascending = Enumerable.Range(0, probs.Length).OrderBy(i => probs[i]).ToArray();
        double cumulative = 0;
        foreach (int i in ascending.Take(ascending.Length - 1))
        {
            cumulative += probs[i];
            if (cumulative <= 1 - topP) kept[i] = double.NegativeInfinity;
        }
        return Softmax(kept);
    }

    static double[] Softmax(double[] x)
    {
        double max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
