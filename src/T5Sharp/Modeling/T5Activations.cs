using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>The feed-forward activations transformers' ACT2FN offers for T5, by the names config.json uses.</summary>
public static class T5Activations
{
    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        "relu" => x => nn.functional.relu(x),
        "gelu" => x => nn.functional.gelu(x),
        // gelu_new / gelu_pytorch_tanh / gelu_fast are the tanh approximation; libtorch's fused kernel avoids 6 passes.
        _ when IsTanhGelu(name) => x => nn.functional.gelu(x, GELU.Approximate.tanh),
        "silu" or "swish" => x => nn.functional.silu(x),
        _ => throw new ArgumentException($"activation '{name}' is not implemented; expected relu, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, silu or swish"),
    };

    /// <summary>The names of GELU's tanh approximation (what Kernels/GatedGelu computes).</summary>
    public static bool IsTanhGelu(string name) => name is "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast";
}
