using T5Sharp.Modeling;

namespace T5Sharp.Training;

/// <summary>
/// Layer freezing: parameters matched by a spec stop requiring gradients, so the optimizer (which takes only
/// trainable parameters) never sees them and backward computes nothing for them. "encoder" and "decoder" are the
/// stacks (to train only the decoder, freeze "encoder" and "embeddings"); "embeddings" is the shared input embedding
/// and lm_head; anything else is a parameter-name prefix such as "decoder.block.0.".
/// </summary>
public static class ParameterFreezing
{
    /// <summary>Freezes the matched parameters; returns how many tensors were frozen. A spec that matches nothing is an error.</summary>
    public static int Apply(T5ForConditionalGeneration model, IEnumerable<string> specs)
    {
        var parameters = model.named_parameters().ToList();
        int frozen = 0;
        foreach (var spec in specs)
        {
            string[] prefixes = spec switch
            {
                "encoder" => ["encoder."],
                "decoder" => ["decoder."],
                "embeddings" => ["shared.", "lm_head.", "encoder.embed_tokens.", "decoder.embed_tokens."],
                _ => [spec],
            };
            var matched = parameters.Where(p => prefixes.Any(prefix => p.name.StartsWith(prefix, StringComparison.Ordinal))).ToList();
            if (matched.Count == 0)
                throw new TrainingException(
                    $"run option freeze: '{spec}' matches no parameter (use encoder, decoder, embeddings or a parameter-name prefix such as decoder.block.0.)");
            foreach (var (_, parameter) in matched)
            {
                if (parameter.requires_grad) frozen++;
                parameter.requires_grad = false;
            }
        }
        return frozen;
    }
}
