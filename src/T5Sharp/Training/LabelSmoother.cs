using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// HF's LabelSmoother: (1 − ε)·NLL + ε·(mean over classes of −log p), both averaged over the label positions that are
/// not -100 — the same value as cross_entropy(label_smoothing: ε, ignore_index: -100).
/// </summary>
public static class LabelSmoother
{
    public const long IgnoreIndex = -100;

    /// <summary><paramref name="logits"/> [B, T, V], <paramref name="labels"/> [B, T] (-100 = ignore).</summary>
    public static Tensor Loss(Tensor logits, Tensor labels, double epsilon)
    {
        if (epsilon is < 0 or >= 1) throw new TrainingException($"label_smoothing_factor must be in [0, 1), found {epsilon}");
        using var scope = NewDisposeScope();
        var negLogProbs = -nn.functional.log_softmax(logits.to(ScalarType.Float32), -1);
        var target = labels.unsqueeze(-1);
        var padding = target.eq(IgnoreIndex);
        var nll = negLogProbs.gather(-1, target.clamp(min: 0)).masked_fill(padding, 0.0);
        var smoothed = negLogProbs.sum([-1L], keepdim: true).masked_fill(padding, 0.0);
        var active = padding.numel() - padding.to(ScalarType.Int64).sum().item<long>();
        var loss = (1 - epsilon) * (nll.sum() / active) + epsilon * (smoothed.sum() / (active * negLogProbs.shape[^1]));
        return loss.MoveToOuterDisposeScope();
    }
}
