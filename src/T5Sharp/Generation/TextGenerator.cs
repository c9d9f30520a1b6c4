using T5Sharp.Checkpoints;
using T5Sharp.Data;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>Texts in, texts out: tokenizes in batches (right padding, as HF), decodes greedily, detokenizes.</summary>
public static class TextGenerator
{
    /// <summary>Generated text per input, in input order. <paramref name="onBatch"/> reports progress (texts done).</summary>
    public static List<string> Generate(PretrainedT5 pretrained, IReadOnlyList<string> inputs, GreedyOptions options,
        int batchSize = 8, int? maxSourceLength = null, Action<int>? onBatch = null)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        var outputs = new List<string>(inputs.Count);
        for (int start = 0; start < inputs.Count; start += batchSize)
        {
            var chunk = inputs.Skip(start).Take(batchSize).ToList();
            var encoding = pretrained.Tokenizer.EncodeBatch(chunk, maxSourceLength);
            using var scope = NewDisposeScope();
            var ids = Batches.ToTensor(encoding.InputIds);
            var mask = Batches.ToTensor(encoding.AttentionMask);
            var result = GreedyDecoder.Generate(pretrained.Model, ids, mask, options);
            outputs.AddRange(pretrained.Tokenizer.DecodeBatch(result.Sequences, skipSpecialTokens: true));
            onBatch?.Invoke(outputs.Count);
        }
        return outputs;
    }
}
