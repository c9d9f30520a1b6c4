using T5Sharp.Data;
using T5Sharp.Pretrained;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>Texts in, texts out: tokenizes in batches (right padding, as HF), generates, detokenizes.</summary>
public static class TextGenerator
{
    /// <summary>
    /// Generated texts: num_return_sequences per input, grouped per input, in input order. <paramref name="onBatch"/>
    /// reports progress (inputs done); <paramref name="streamer"/> receives tokens as they come (one input per batch then).
    /// </summary>
    public static List<string> Generate(PretrainedT5 pretrained, IReadOnlyList<string> inputs, GenerationConfig config,
        int batchSize = 8, int? maxSourceLength = null, Action<int>? onBatch = null, IGenerationStreamer? streamer = null) =>
        GenerateWithScores(pretrained, inputs, config, batchSize, maxSourceLength, onBatch, streamer).Select(g => g.Text).ToList();

    /// <summary>As <see cref="Generate(PretrainedT5, IReadOnlyList{string}, GenerationConfig, int, int?, Action{int}?, IGenerationStreamer?)"/>, with each text's scores.</summary>
    public static List<GeneratedText> GenerateWithScores(PretrainedT5 pretrained, IReadOnlyList<string> inputs, GenerationConfig config,
        int batchSize = 8, int? maxSourceLength = null, Action<int>? onBatch = null, IGenerationStreamer? streamer = null)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        if (streamer is not null) batchSize = 1; // a streamer follows one sequence, as HF's TextStreamer does
        config.Validate();
        var outputs = new List<GeneratedText>(inputs.Count * config.NumReturnSequences);
        for (int start = 0; start < inputs.Count; start += batchSize)
        {
            var chunk = inputs.Skip(start).Take(batchSize).ToList();
            var encoding = pretrained.Tokenizer.EncodeBatch(chunk, maxSourceLength);
            using var scope = NewDisposeScope();
            var ids = Batches.ToTensor(encoding.InputIds);
            var mask = Batches.ToTensor(encoding.AttentionMask);
            var result = Seq2SeqGenerator.Generate(pretrained.Model, ids, mask, config, streamer);
            var texts = pretrained.Tokenizer.DecodeBatch(result.Sequences, skipSpecialTokens: true);
            outputs.AddRange(texts.Select((text, i) => new GeneratedText(text, result.SequenceScores?[i], result.TokenLogProbs?[i])));
            onBatch?.Invoke(start + chunk.Count);
        }
        return outputs;
    }
}
