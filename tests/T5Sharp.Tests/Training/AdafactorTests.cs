using T5Sharp.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Training;

/// <summary>
/// Adafactor's options that run_b (scale_parameter=False, relative_step=False) leaves untouched, against values worked
/// out in float64 from transformers' Adafactor.step formulas, step by step (plain Python arithmetic, no torch):
/// β2ₜ = 1 − t^-0.8; v = β2ₜ·v + (1 − β2ₜ)(g² + 1e-30) (row/column means when factored, 1/√v̂ = rsqrt(row/mean(row)) ⊗
/// rsqrt(col)); u = g/√v̂ divided by max(1, RMS(u)); step size = max(1e-3, RMS(p))·min(1e-2, 1/√t) when relative and
/// parameter-scaled (min(1e-6·t, 1/√t) with warm-up init); m = β1·m + (1 − β1)·u·lr; p ← p − wd·lr·p − m.
/// </summary>
public class AdafactorTests
{
    static readonly float[] Start1D = [0.5f, -1.0f, 2.0f, 0.1f];

    [Fact]
    public void RelativeStepWithParameterScaleOneDimensional()
    {
        using var p = new Parameter(tensor(Start1D));
        var optimizer = new Adafactor([new ParameterGroup([("p", p)], 0, 0)], new AdafactorOptions());
        StepWith(p, optimizer, [0.3f, -0.2f, 0.1f, 0.4f]);
        StepWith(p, optimizer, [0.1f, 0.1f, -0.2f, 0.05f]);
        AssertClose([0.48311181920087554, -0.9960726736107776, 2.0023222586353135, 0.08637539727984209], p);
    }

    [Fact]
    public void WarmupInitStartsAtOneMillionthOfTheScale()
    {
        using var p = new Parameter(tensor(Start1D));
        var optimizer = new Adafactor([new ParameterGroup([("p", p)], 0, 0)], new AdafactorOptions { WarmupInit = true });
        StepWith(p, optimizer, [0.3f, -0.2f, 0.1f, 0.4f]);
        AssertClose([0.49999885326550586, -0.9999988532655059, 1.999998853265506, 0.0999988532655059], p);
    }

    /// <summary>Factored moments, first moment β1 = 0.9, weight decay 0.5, external lr 0.1 — with the optimizer state
    /// saved after step 1 and loaded into a fresh optimizer for step 2.</summary>
    [Fact]
    public void FactoredWithFirstMomentAndWeightDecaySurvivesStateRoundTrip()
    {
        using var p = new Parameter(tensor(new float[] { 0.5f, -0.25f, 1.0f, 2.0f, 0.75f, -1.5f }, [2, 3]));
        var options = new AdafactorOptions { LearningRate = 0.1, RelativeStep = false, ScaleParameter = false, Beta1 = 0.9 };
        var first = new Adafactor([new ParameterGroup([("w", p)], 0.5, 0.1)], options);
        StepWith(p, first, [0.3f, -0.6f, 0.1f, 0.02f, 0.5f, -0.4f]);
        var state = first.StateDict();
        Assert.Equal(["w.RMS", "w.exp_avg", "w.exp_avg_sq_col", "w.exp_avg_sq_row", "w.step"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([2L], state["w.exp_avg_sq_row"].shape);
        Assert.Equal([3L], state["w.exp_avg_sq_col"].shape);
        var second = new Adafactor([new ParameterGroup([("w", p)], 0.5, 0.1)], options);
        second.LoadStateDict(state, "state");
        StepWith(p, second, [-0.1f, 0.2f, 0.3f, 0.4f, -0.05f, 0.6f]);
        AssertClose([0.4303277654371844, -0.21226303486306536, 0.8877274199795356, 1.78957234077034, 0.6608071224322325,
            -1.3407323380346758], p);
    }

    [Fact]
    public void HfsOptionChecksApply()
    {
        Assert.Contains("relative_step", Assert.Throws<TrainingException>(() => new AdafactorOptions { LearningRate = 1e-3 }.Validate()).Message);
        Assert.Contains("warmup_init", Assert.Throws<TrainingException>(() => new AdafactorOptions { LearningRate = 1e-3, RelativeStep = false, WarmupInit = true }.Validate()).Message);
    }

    [Fact]
    public void StateWithWrongShapeOrMissingKeyNamesFileAndKey()
    {
        using var p = new Parameter(zeros(2, 3));
        var optimizer = new Adafactor([new ParameterGroup([("w", p)], 0, 0.1)], AdafactorOptions.ForTrainer(0.1));
        using var step = tensor(new long[] { 1 }, [1]);
        using var row = zeros(3);
        using var col = zeros(3);
        var e = Assert.Throws<TrainingException>(() => optimizer.LoadStateDict(
            new Dictionary<string, Tensor> { ["w.step"] = step, ["w.exp_avg_sq_row"] = row, ["w.exp_avg_sq_col"] = col }, "ckpt/optimizer.safetensors"));
        Assert.Contains("ckpt/optimizer.safetensors", e.Message);
        Assert.Contains("w.exp_avg_sq_row", e.Message);
        Assert.Contains("[2]", e.Message);
        var missing = Assert.Throws<TrainingException>(() => optimizer.LoadStateDict(
            new Dictionary<string, Tensor> { ["w.step"] = step }, "ckpt/optimizer.safetensors"));
        Assert.Contains("'w.exp_avg_sq_row' is missing", missing.Message);
    }

    /// <summary>Sets p.grad = g (the gradient of sum(p·g)) and takes one optimizer step.</summary>
    static void StepWith(Parameter p, Adafactor optimizer, float[] g)
    {
        using (var old = p.grad) old?.zero_();
        using (var gradient = tensor(g, p.shape))
        using (var loss = (p * gradient).sum())
            loss.backward();
        optimizer.Step();
    }

    static void AssertClose(double[] expected, Tensor actual)
    {
        var values = actual.detach().flatten().data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= 1e-6, $"element {i}: ours {values[i]}, formula {expected[i]}");
    }
}
