using T5Sharp.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>Original T5's feed-forward: wo(act(wi x)), no biases.</summary>
public sealed class T5DenseActDense : nn.Module<Tensor, Tensor>, IProjectionHost
{
    nn.Module<Tensor, Tensor> wi, wo; // Linear, or a wrapper put in by SetProjection (LoRA)
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

    /// <summary>Mixed precision (set by the model's <c>Autocast</c>): the projections compute in this type, their weights stay as stored.</summary>
    internal ScalarType? AutocastType { get; set; }

    public IReadOnlyList<string> ProjectionNames { get; } = ["wi", "wo"];

    public nn.Module<Tensor, Tensor> GetProjection(string name) => name switch
    {
        "wi" => wi, "wo" => wo,
        _ => throw ProjectionSlots.Unknown(nameof(T5DenseActDense), name, ProjectionNames),
    };

    public void SetProjection(string name, nn.Module<Tensor, Tensor> module)
    {
        switch (name)
        {
            case "wi": wi = module; break;
            case "wo": wo = module; break;
            default: throw ProjectionSlots.Unknown(nameof(T5DenseActDense), name, ProjectionNames);
        }
        ProjectionSlots.Reregister(this, name, module);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = InvertedDropout.Apply(_act(Autocast.Linear(wi, x, AutocastType)), _dropout, training);
        return Autocast.Linear(wo, h, AutocastType).MoveToOuterDisposeScope();
    }
}
