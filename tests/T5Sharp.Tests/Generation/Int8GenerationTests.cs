using T5Sharp.Generation;
using T5Sharp.Modeling;
using T5Sharp.Tests.Support;
using Xunit.Abstractions;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Generation;

/// <summary>
/// int8-quantized greedy decoding (every projection and lm_head int8, activations quantized per call) against float32
/// greedy decoding of the same fixture model and inputs (float32's output is the HF fixture's, see
/// <see cref="GenerationParityTests"/>). int8 moves each linear output by ~1.3 % (bench quantized-linear), more than
/// bf16's rounding, so near-ties flip more often and decoding diverges from there.
/// </summary>
public class Int8GenerationTests(ITestOutputHelper output)
{
    static (long[][] Float32, long[][] Int8) Decode(string modelDir, Tensor inputIds, Tensor mask, GenerationConfig config, bool lmHead)
    {
        using var model = LoadModel(modelDir);
        var reference = Seq2SeqGenerator.Generate(model, inputIds, mask, config).Sequences;
        model.Quantize(WeightQuantization.Int8, lmHead);
        var int8 = Seq2SeqGenerator.Generate(model, inputIds, mask, config).Sequences;
        return (reference, int8);
    }

    static IEnumerable<(string Name, long[][] Float32, long[][] Int8)> AllFixtureRuns(bool lmHead)
    {
        foreach (var name in new[] { "tiny-flan", "tiny-t5v1" })
        {
            var (ids, mask, labels) = HfBatch();
            using (ids) using (mask) using (labels)
            {
                var (f, q) = Decode(HfModelDir(name), ids, mask, new GenerationConfig { MaxNewTokens = 20 }, lmHead);
                yield return (name, f, q);
            }
        }
        var fixture = ReadJson(Path.Combine(SharedPaths.Hf2, "generate_32k.json"));
        using var ids32 = LongMatrix(fixture.GetProperty("input_ids"));
        using var mask32 = LongMatrix(fixture.GetProperty("attention_mask"));
        var (f32, q32) = Decode(Hf2ModelDir, ids32, mask32, new GenerationConfig { MaxNewTokens = 48 }, lmHead);
        yield return ("tiny-flan-32k", f32, q32);
    }

    /// <summary>
    /// Measured here (AMD EPYC AVX2, libtorch 2.10, greedy, 20 / 48 new tokens; tokens float32 made up to its EOS that
    /// int8 reproduces before its first different token), first token identical in all 10 rows both ways:
    /// - lm_head int8 too (what --quantize int8 does): tiny-flan 20 of 35 (one row diverges early), tiny-t5v1 24 of 28,
    ///   tiny-flan-32k 87 of 87: 131 of 150, 87.3 %. Asserted: every first token, ≥ 80 %.
    /// - lm_head float32: tiny-flan 34 of 35, tiny-t5v1 25 of 28, tiny-flan-32k 87 of 87: 146 of 150, 97.3 %. Asserted:
    ///   every first token, ≥ 90 %. The int8 lm_head costs the difference: its logit errors flip near-ties among 32k
    ///   candidates, and one flip changes the rest of the row (teacher-forced, see T5Int8Tests, int8 keeps float32's
    ///   argmax at 97.7–98.6 % of positions).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Int8GreedyAgreesWithFloat32OnTheFixtureInputs(bool lmHead)
    {
        int tokens = 0, agreeing = 0, rows = 0, firstRows = 0;
        foreach (var (name, f, q) in AllFixtureRuns(lmHead))
        {
            var (t, a, first) = BFloat16GenerationTests.Agreement(f, q);
            output.WriteLine($"{name}: {f.Length} rows, first token agrees in {first}, {a} of {t} tokens reproduced");
            tokens += t;
            agreeing += a;
            rows += f.Length;
            firstRows += first;
        }
        double rate = (double)agreeing / tokens;
        output.WriteLine($"lm_head int8 {lmHead}: first token agrees in {firstRows} of {rows} rows, {agreeing} of {tokens} tokens ({rate:P1})");
        Assert.True(firstRows == rows, $"the first generated token differs in {rows - firstRows} of {rows} rows");
        Assert.True(rate >= (lmHead ? 0.80 : 0.90), $"int8 reproduces only {rate:P1} of float32's greedy tokens");
    }
}
