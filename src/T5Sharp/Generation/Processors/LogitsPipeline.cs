namespace T5Sharp.Generation.Processors;

/// <summary>
/// The processors and warpers a GenerationConfig implies, in the order transformers 4.44's generate() applies them
/// (_get_logits_processor, then _get_logits_warper when sampling).
/// </summary>
public static class LogitsPipeline
{
    /// <summary>Processors applied for every decoding method (greedy on logits, beam search on log-probabilities).</summary>
    public static List<ILogitsProcessor> Processors(GenerationConfig config, long eos)
    {
        var list = new List<ILogitsProcessor>();
        if (config.RepetitionPenalty != 1.0) list.Add(new RepetitionPenaltyProcessor(config.RepetitionPenalty));
        if (config.NoRepeatNgramSize > 0) list.Add(new NoRepeatNGramProcessor(config.NoRepeatNgramSize));
        if (config.EncoderNoRepeatNgramSize > 0) list.Add(new EncoderNoRepeatNGramProcessor(config.EncoderNoRepeatNgramSize));
        if (config.BadWordsIds is { Count: > 0 } bad) list.Add(new BadWordsProcessor(bad, eos));
        if (config.ResolvedMinLength > 0) list.Add(new MinLengthProcessor(config.ResolvedMinLength, eos));
        if (config.ForcedEosTokenId is { } forced) list.Add(new ForcedEosProcessor(config.ResolvedMaxLength, forced));
        return list;
    }

    /// <summary>Sampling warpers. Beam sampling keeps at least 2 tokens (EOS plus one to continue), as HF does.</summary>
    public static List<ILogitsProcessor> Warpers(GenerationConfig config)
    {
        var list = new List<ILogitsProcessor>();
        if (!config.DoSample) return list;
        int minKeep = config.NumBeams > 1 ? 2 : 1;
        if (config.Temperature != 1.0) list.Add(new TemperatureWarper(config.Temperature));
        if (config.TopK != 0) list.Add(new TopKWarper(config.TopK, minKeep));
        if (config.TopP < 1.0) list.Add(new TopPWarper(config.TopP, minKeep));
        if (config.TypicalP < 1.0) list.Add(new TypicalWarper(config.TypicalP, minKeep));
        return list;
    }

    public static TorchSharp.torch.Tensor Apply(IEnumerable<ILogitsProcessor> processors, DecodingState state, TorchSharp.torch.Tensor scores)
    {
        foreach (var p in processors) scores = p.Process(state, scores);
        return scores;
    }
}
