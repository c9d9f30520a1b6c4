using T5Sharp.Modeling;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// Greedy decoding under the original <see cref="GreedyOptions"/> API: a thin front of <see cref="Seq2SeqGenerator"/>
/// (argmax of the processed logits, pad after EOS, stop when every row finished or max_new_tokens were made).
/// </summary>
public static class GreedyDecoder
{
    /// <param name="inputIds">[B, S] right-padded source ids.</param>
    /// <param name="attentionMask">[B, S] 1 for tokens, 0 for padding.</param>
    public static GreedyResult Generate(T5ForConditionalGeneration model, Tensor inputIds, Tensor attentionMask, GreedyOptions options,
        IGenerationStreamer? streamer = null)
    {
        var output = Seq2SeqGenerator.Generate(model, inputIds, attentionMask, ToConfig(options), streamer);
        return new GreedyResult(output.Sequences, output.ChosenTokenScores!);
    }

    /// <summary>The GenerationConfig that means the same as <paramref name="options"/>.</summary>
    public static GenerationConfig ToConfig(GreedyOptions options)
    {
        if (options.MaxNewTokens < 0) throw new GenerationConfigException($"max_new_tokens must not be negative, got {options.MaxNewTokens}");
        return new GenerationConfig
        {
            MaxNewTokens = options.MaxNewTokens,
            MinNewTokens = options.MinNewTokens,
            DecoderStartTokenId = options.DecoderStartTokenId,
            EosTokenId = options.EosTokenId,
            PadTokenId = options.PadTokenId,
        };
    }
}
