using T5Sharp.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>T5 v1.1 / FLAN-T5 feed-forward: wo(act(wi_0 x) * wi_1 x), no biases.</summary>
public sealed class T5DenseGatedActDense : nn.Module<Tensor, Tensor>, IProjectionHost
{
    nn.Module<Tensor, Tensor> wi_0, wi_1, wo; // Linear, or a wrapper put in by SetProjection (LoRA)
    readonly Func<Tensor, Tensor> _act;
    readonly bool _tanhGelu; // fused with the product and dropout (Kernels/GatedGelu) for float32
    readonly double _dropout;

    public T5DenseGatedActDense(T5Config config) : base(nameof(T5DenseGatedActDense))
    {
        wi_0 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wi_1 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        _act = T5Activations.Get(config.DenseActFn);
        _tanhGelu = T5Activations.IsTanhGelu(config.DenseActFn);
        _dropout = config.DropoutRate;
        RegisterComponents();
    }

    /// <summary>Mixed precision (set by the model's <c>Autocast</c>): the projections compute in this type, their weights stay as stored.</summary>
    internal ScalarType? AutocastType { get; set; }

    public IReadOnlyList<string> ProjectionNames { get; } = ["wi_0", "wi_1", "wo"];

    public nn.Module<Tensor, Tensor> GetProjection(string name) => name switch
    {
        "wi_0" => wi_0, "wi_1" => wi_1, "wo" => wo,
        _ => throw ProjectionSlots.Unknown(nameof(T5DenseGatedActDense), name, ProjectionNames),
    };

    public void SetProjection(string name, nn.Module<Tensor, Tensor> module)
    {
        switch (name)
        {
            case "wi_0": wi_0 = module; break;
            case "wi_1": wi_1 = module; break;
            case "wo": wo = module; break;
            default: throw ProjectionSlots.Unknown(nameof(T5DenseGatedActDense), name, ProjectionNames);
        }
        ProjectionSlots.Reregister(this, name, module);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var preactivation = Autocast.Linear(wi_0, x, AutocastType);
        var linear = Autocast.Linear(wi_1, x, AutocastType);
        if (_tanhGelu && GatedGelu.Supports(preactivation, linear))
            return Autocast.Linear(wo, GatedGelu.Apply(preactivation, linear, _dropout, training), AutocastType).MoveToOuterDisposeScope();
        var gate = _act(preactivation);
        // In place on the activation's fresh output saves a buffer, but autograd needs the operands kept intact.
        var h = is_grad_enabled() ? gate * linear : gate.mul_(linear);
        h = InvertedDropout.Apply(h, _dropout, training);
        return Autocast.Linear(wo, h, AutocastType).MoveToOuterDisposeScope();
    }
}
