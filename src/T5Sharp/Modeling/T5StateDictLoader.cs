using T5Sharp.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>Checks a whole state dict against the model before copying anything, so a bad file changes no weight.</summary>
internal static class T5StateDictLoader
{
    public static void Load(T5ForConditionalGeneration model, IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var tiedAliases = new HashSet<string> { "encoder.embed_tokens.weight", "decoder.embed_tokens.weight" };
        if (model.Config.TieWordEmbeddings) tiedAliases.Add("lm_head.weight");

        foreach (var (name, parameter) in parameters)
        {
            if (!stateDict.TryGetValue(name, out var tensor))
                throw new CheckpointException($"{source}: missing key '{name}' (expected shape {Shape(parameter.shape)})");
            if (!tensor.shape.SequenceEqual(parameter.shape))
                throw new CheckpointException(
                    $"{source}: key '{name}' has shape {Shape(tensor.shape)}, but the model expects {Shape(parameter.shape)}");
        }
        foreach (var (name, tensor) in stateDict)
        {
            if (parameters.ContainsKey(name)) continue;
            if (tiedAliases.Contains(name))
            {
                var shared = parameters["shared.weight"];
                if (!tensor.shape.SequenceEqual(shared.shape))
                    throw new CheckpointException(
                        $"{source}: key '{name}' (tied to shared.weight) has shape {Shape(tensor.shape)}, but the model expects {Shape(shared.shape)}");
                continue;
            }
            throw new CheckpointException($"{source}: unexpected key '{name}' (shape {Shape(tensor.shape)}), which this T5 model has no parameter for");
        }

        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
            parameter.copy_(stateDict[name]); // copy_ converts dtype and device
    }

    static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
