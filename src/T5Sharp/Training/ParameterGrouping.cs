using T5Sharp.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>How parameters are split into optimizer groups.</summary>
public static class ParameterGrouping
{
    /// <summary>
    /// HF Trainer's grouping (get_decay_parameter_names): weight decay on every parameter except those of LayerNorm-type
    /// modules (T5LayerNorm is registered as one) and those whose name contains "bias" — which includes
    /// <c>relative_attention_bias.weight</c>. Returns [decayed, not decayed], in named_parameters() order.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> HfTrainer(nn.Module model, double weightDecay, double learningRate)
    {
        var layerNormParameters = new HashSet<string>();
        foreach (var (moduleName, module) in model.named_modules())
        {
            if (module is not (T5LayerNorm or LayerNorm)) continue;
            foreach (var (name, _) in module.named_parameters())
                layerNormParameters.Add(moduleName.Length == 0 ? name : $"{moduleName}.{name}");
        }
        var all = Trainable(model);
        bool Decays(string name) => !layerNormParameters.Contains(name) && !name.Contains("bias", StringComparison.Ordinal);
        return
        [
            new ParameterGroup(all.Where(p => Decays(p.Name)).ToList(), weightDecay, learningRate),
            new ParameterGroup(all.Where(p => !Decays(p.Name)).ToList(), 0.0, learningRate),
        ];
    }

    /// <summary>One group with every trainable parameter (torch.optim.AdamW(model.parameters(), ...)).</summary>
    public static IReadOnlyList<ParameterGroup> Single(nn.Module model, double weightDecay, double learningRate) =>
        [new ParameterGroup(Trainable(model), weightDecay, learningRate)];

    static List<(string Name, Parameter Parameter)> Trainable(nn.Module model) =>
        model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
}
