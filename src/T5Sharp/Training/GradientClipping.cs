using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>torch.nn.utils.clip_grad_norm_ (L2): the total norm over all gradients, in float32 as torch computes it.</summary>
public static class GradientClipping
{
    /// <summary>The total L2 norm of every gradient (the norm of the per-parameter norms).</summary>
    public static float TotalNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var norms = parameters.Where(p => p.grad is not null).Select(p => p.grad!.detach().norm()).ToArray();
        if (norms.Length == 0) return 0f;
        return stack(norms).norm().item<float>();
    }

    /// <summary>
    /// Scales gradients in place by min(1, max_norm / (total + 1e-6)) and returns the norm BEFORE clipping (what HF logs
    /// as grad_norm). Like torch, it multiplies even when the factor is 1.
    /// </summary>
    public static float ClipByTotalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        // inside the scope: every .grad read makes a new tensor handle that must be disposed
        using var scope = NewDisposeScope();
        var withGrad = parameters.Where(p => p.grad is not null).ToList();
        using var noGrad = no_grad();
        if (withGrad.Count == 0) return 0f;
        var total = stack(withGrad.Select(p => p.grad!.detach().norm()).ToArray()).norm();
        var factor = (maxNorm / (total + 1e-6)).clamp_(max: 1.0);
        foreach (var p in withGrad) p.grad!.mul_(factor);
        return total.item<float>();
    }
}
