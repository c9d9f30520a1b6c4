using System.Diagnostics;
using T5Sharp.Modeling;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Where a served request's time goes on this CPU, measured on the model directly (no server): the encoder of
/// 1 and of B prompts of <c>promptTokens</c>, and one decoder step at batch 1 and at batch B over such sources. The
/// encoder's work per prompt is the same batched or not, so it bounds what batching the decoder can gain:
/// best speedup = (enc₁ + n·step₁) / (enc_B/B + n·step_B/B).
/// </summary>
public static class ServeCostBreakdown
{
    public static void Print(T5ForConditionalGeneration model, int batch, int promptTokens, int newTokens)
    {
        using var noGrad = no_grad();
        T5Sharp.Runtime.TorchRuntime.FlushDenormalsOnThisThread(); // as the server's scheduler thread does
        double enc1 = Encoder(model, 1, promptTokens), encB = Encoder(model, batch, promptTokens);
        double step1 = Step(model, 1, promptTokens, newTokens), stepB = Step(model, batch, promptTokens, newTokens);
        double solo = enc1 + newTokens * step1, batched = (encB + newTokens * stepB) / batch;
        Console.WriteLine($"per prompt ({promptTokens} tokens in, {newTokens} out): encoder {enc1:F1} ms alone, {encB / batch:F1} ms in a batch of {batch}; " +
            $"decoder step {step1:F1} ms at batch 1, {stepB:F1} ms at batch {batch} ({stepB / batch:F2} ms a row)");
        Console.WriteLine($"  alone {solo:F0} ms a prompt (encoder {100 * enc1 / solo:F0}%), batched {batched:F0} ms a prompt (encoder {100 * encB / batch / batched:F0}%): " +
            $"best possible speedup from batching {solo / batched:F2}×");
    }

    static double Encoder(T5ForConditionalGeneration model, int batch, int tokens)
    {
        using var ids = randint(3, 1000, [batch, tokens], ScalarType.Int64);
        using var mask = ones_like(ids);
        return Time(() => model.Encode(ids, mask).Dispose());
    }

    static double Step(T5ForConditionalGeneration model, int batch, int tokens, int newTokens)
    {
        using var scope = NewDisposeScope();
        var ids = randint(3, 1000, [batch, tokens], ScalarType.Int64);
        var mask = ones_like(ids);
        var encoded = model.Encode(ids, mask);
        using var cache = model.CreateDecoderCache(encoded, mask, 4 * newTokens);
        var next = zeros([batch, 1], ScalarType.Int64);
        for (int i = 0; i < newTokens / 2; i++) model.DecodeStep(next, cache).Dispose(); // a mid-answer cache length
        return Time(() => model.DecodeStep(next, cache).Dispose(), repeats: 8);
    }

    /// <summary>Median of a few runs after one warm-up, in ms.</summary>
    static double Time(Action run, int repeats = 5)
    {
        run();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
