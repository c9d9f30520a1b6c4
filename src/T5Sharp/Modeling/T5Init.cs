using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// transformers' T5PreTrainedModel._init_weights: normal weights with a std per module kind (scaled by
/// initializer_factor), layer norms to factor. For random models at real shapes (benchmarks, tests).
/// </summary>
public static class T5Init
{
    public static void Initialize(T5ForConditionalGeneration model, long seed)
    {
        var config = model.Config;
        double factor = config.InitializerFactor, dModel = config.DModel, dFf = config.DFf;
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        void Normal(Tensor t, double std) => t.normal_(0.0, std, generator);

        Normal(model.Shared.weight!, factor * 1.0);
        if (model.LmHead is { } head) Normal(head.weight!, factor * 1.0);
        foreach (var stack in new[] { model.Encoder, model.Decoder })
        {
            for (int b = 0; b < stack.BlockCount; b++)
            {
                var block = stack.Block(b);
                InitAttention(block.SelfAttentionLayer.Attention, config, factor, Normal);
                if (block.IsDecoder) InitAttention(block.CrossAttentionLayer.Attention, config, factor, Normal);
                foreach (var (name, p) in block.FeedForwardLayer.named_parameters())
                {
                    if (name.EndsWith("layer_norm.weight")) p.fill_(factor * 1.0);
                    else if (name.Contains(".wo.")) Normal(p, factor * Math.Pow(dFf, -0.5));
                    else Normal(p, factor * Math.Pow(dModel, -0.5)); // wi, wi_0, wi_1
                }
            }
        }
        // every T5LayerNorm (block norms and the two final norms) starts at factor
        foreach (var (name, p) in model.named_parameters())
            if (name.EndsWith("layer_norm.weight")) p.fill_(factor * 1.0);
    }

    static void InitAttention(T5Attention attention, T5Config config, double factor, Action<Tensor, double> normal)
    {
        double dModel = config.DModel, dKv = config.DKv, heads = config.NumHeads;
        normal(Weight(attention, "q"), factor * Math.Pow(dModel * dKv, -0.5));
        normal(Weight(attention, "k"), factor * Math.Pow(dModel, -0.5));
        normal(Weight(attention, "v"), factor * Math.Pow(dModel, -0.5));
        normal(Weight(attention, "o"), factor * Math.Pow(heads * dKv, -0.5));
        if (attention.RelativeAttentionBias is { } bias) normal(bias.weight!, factor * Math.Pow(dModel, -0.5));
    }

    static Tensor Weight(T5Attention attention, string projection) =>
        attention.GetProjection(projection).get_parameter("weight")
        ?? throw new InvalidOperationException($"projection {projection} has no weight");
}
