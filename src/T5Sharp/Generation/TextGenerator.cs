using T5Sharp.Data;
using T5Sharp.Pretrained;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>Texts in, texts out: tokenizes in batches (right padding, as HF), generates, detokenizes.</summary>
public static class TextGenerator
{
    /// <summary>
    /// Generated texts: num_return_sequences per input, grouped per input, in input order. <paramref name="onBatch"/>
    /// reports progress (inputs done); <paramref name="streamer"/> receives tokens as they come (one input per batch then);
    /// <paramref name="truncation"/>, when given, counts the inputs that max_source_length cut.
    /// </summary>
    public static List<string> Generate(PretrainedT5 pretrained, IReadOnlyList<string> inputs, GenerationConfig config,
        int batchSize = 8, int? maxSourceLength = null, Action<int>? onBatch = null, IGenerationStreamer? streamer = null,
        TruncationTally? truncation = null) =>
        GenerateWithScores(pretrained, inputs, config, batchSize, maxSourceLength, onBatch, streamer, truncation).Select(g => g.Text).ToList();

    /// <summary>As <see cref="Generate"/>, with each text's scores.</summary>
    public static List<GeneratedText> GenerateWithScores(PretrainedT5 pretrained, IReadOnlyList<string> inputs, GenerationConfig config,
        int batchSize = 8, int? maxSourceLength = null, Action<int>? onBatch = null, IGenerationStreamer? streamer = null,
        TruncationTally? truncation = null)
    {
        var outputs = new List<GeneratedText>(inputs.Count * config.NumReturnSequences);
        int done = 0;
        foreach (var batch in GenerateBatches(pretrained, inputs, config, batchSize, maxSourceLength, streamer, truncation))
        {
            outputs.AddRange(batch);
            done += batch.Count / config.NumReturnSequences;
            onBatch?.Invoke(done);
        }
        return outputs;
    }

    /// <summary>
    /// The outputs batch by batch as each is generated (num_return_sequences per input of the batch), so that a caller
    /// can write them out at once and an interrupted run keeps what was done.
    /// </summary>
    public static IEnumerable<IReadOnlyList<GeneratedText>> GenerateBatches(PretrainedT5 pretrained, IReadOnlyList<string> inputs,
        GenerationConfig config, int batchSize = 8, int? maxSourceLength = null, IGenerationStreamer? streamer = null,
        TruncationTally? truncation = null)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        if (streamer is not null) batchSize = 1; // a streamer follows one sequence, as HF's TextStreamer does
        config.Validate();
        return Run();

        IEnumerable<IReadOnlyList<GeneratedText>> Run()
        {
            for (int start = 0; start < inputs.Count; start += batchSize)
            {
                var chunk = inputs.Skip(start).Take(batchSize).ToList();
                var encoding = pretrained.Tokenizer.EncodeBatch(chunk, maxSourceLength);
                truncation?.Add(encoding);
                GeneratedText[] batch;
                using (var scope = NewDisposeScope())
                {
                    var ids = Batches.ToTensor(encoding.InputIds);
                    var mask = Batches.ToTensor(encoding.AttentionMask);
                    var result = Seq2SeqGenerator.Generate(pretrained.Model, ids, mask, config, streamer);
                    var texts = pretrained.Tokenizer.DecodeBatch(result.Sequences, skipSpecialTokens: true);
                    batch = texts.Select((text, i) => new GeneratedText(text, result.SequenceScores?[i], result.TokenLogProbs?[i])).ToArray();
                }
                yield return batch;
            }
        }
    }
}
