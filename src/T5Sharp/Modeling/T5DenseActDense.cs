using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>Original T5's feed-forward: wo(act(wi x)), no biases.</summary>
public sealed class T5DenseActDense : nn.Module<Tensor, Tensor>
{
    readonly Linear wi, wo;
    readonly Func<Tensor, Tensor> _act;
    readonly double _dropout;

    public T5DenseActDense(T5Config config) : base(nameof(T5DenseActDense))
    {
        wi = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        _act = T5Activations.Get(config.DenseActFn);
        _dropout = config.DropoutRate;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = T5Dropout.Apply(_act(wi.forward(x)), _dropout, training);
        return wo.forward(h).MoveToOuterDisposeScope();
    }
}
