using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// A module whose bias-free linear projections (attention q/k/v/o, feed-forward wi/wi_0/wi_1/wo) can be swapped for a
/// wrapper such as a LoRA layer. The forward code keeps calling the slot, so wrapping needs no change to it, and the
/// slot keeps its name, so the wrapped layer's own parameters keep their state-dict keys (e.g. <c>…SelfAttention.q.weight</c>).
/// </summary>
public interface IProjectionHost
{
    /// <summary>The slot names, which are also the state-dict key segments (HF's names).</summary>
    IReadOnlyList<string> ProjectionNames { get; }

    /// <summary>The module in a slot: an <c>nn.Linear</c> unless something wrapped it.</summary>
    nn.Module<Tensor, Tensor> GetProjection(string name);

    /// <summary>Puts <paramref name="module"/> in the slot, registered under the slot's name.</summary>
    void SetProjection(string name, nn.Module<Tensor, Tensor> module);
}
