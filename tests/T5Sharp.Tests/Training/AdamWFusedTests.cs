using T5Sharp.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace T5Sharp.Tests.Training;

/// <summary>
/// AdamW's fused float32 pass against its libtorch-op form, which a non-contiguous (transposed) parameter takes: the
/// same values fed to both for several steps, with weight decay and bias correction, over a parameter large enough to
/// be split into parallel chunks with a ragged end. The torch parity itself is <see cref="AdamWParityTests"/>.
/// </summary>
public class AdamWFusedTests
{
    [Fact]
    public void FusedPassEqualsTheTensorOpForm()
    {
        var generator = new Generator(17);
        using var start = randn([447, 449], generator: generator);
        using var fused = new Parameter(start.clone());
        using var strided = new Parameter(start.t().contiguous().t()); // same values, column-major
        Assert.False(strided.is_contiguous());
        var optimizer = new AdamW([
            new ParameterGroup([("fused", fused)], weightDecay: 0.01, learningRate: 1e-3),
            new ParameterGroup([("ops", strided)], weightDecay: 0.01, learningRate: 1e-3),
        ]);
        for (int step = 0; step < 4; step++)
        {
            using var grad = randn([447, 449], generator: generator) * (step + 1);
            fused.grad = grad.clone();
            strided.grad = grad.t().contiguous().t();
            optimizer.Step();
        }
        using var noGrad = no_grad();
        double moved = (fused - start).abs().max().item<float>();
        Assert.True(moved > 1e-3, $"the parameters moved ({moved})");
        // the two differ only in rounding: a few ulps of the parameter, or of the update (lr-sized) where the
        // parameter is near zero
        using var diff = (fused - strided).abs();
        using var ulps = diff / (strided.abs().clamp_min(1e-3f) * 1.2e-7f);
        Assert.True(ulps.max().item<float>() <= 4, $"fused vs op form differ by up to {ulps.max().item<float>()} ulp");
        var state = optimizer.StateDict();
        Assert.Equal(4.0, state["fused.step"].to(ScalarType.Float64).item<double>());
        using var momentDiff = (state["fused.exp_avg_sq"] - state["ops.exp_avg_sq"]).abs().max();
        Assert.True(momentDiff.item<float>() <= 1e-6f * state["ops.exp_avg_sq"].abs().max().item<float>());
        foreach (var t in state.Values) t.Dispose();
    }
}
