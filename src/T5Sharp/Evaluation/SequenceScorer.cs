using T5Sharp.Data;
using T5Sharp.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Evaluation;

/// <summary>
/// Per-example loss of targets given sources (teacher forcing), as transformers computes
/// <c>model(input_ids, attention_mask, labels).loss</c> for each example alone: batching and padding don't change it.
/// <c>onBatch</c> reports examples done; <c>truncation</c>, when given, counts what the max lengths cut.
/// </summary>
public static class SequenceScorer
{
    public static List<SequenceScore> Score(PretrainedT5 pretrained, IReadOnlyList<string> sources, IReadOnlyList<string> targets,
        int batchSize = 8, int? maxSourceLength = null, int? maxTargetLength = null, Action<int>? onBatch = null,
        TruncationTally? truncation = null)
    {
        if (sources.Count != targets.Count)
            throw new ArgumentException($"{sources.Count} sources but {targets.Count} targets");
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        var tokenizer = pretrained.Tokenizer;
        var model = pretrained.Model;
        var scores = new List<SequenceScore>(sources.Count);
        model.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < sources.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, sources.Count - start);
            var source = tokenizer.EncodeBatch(sources.Skip(start).Take(n).ToList(), maxSourceLength);
            var target = tokenizer.EncodeBatch(targets.Skip(start).Take(n).ToList(), maxTargetLength, padding: Tokenization.Padding.DoNotPad);
            truncation?.Add(source, target);
            using var scope = NewDisposeScope();
            var labels = Batches.ToTensor(Batches.PadRight(target.InputIds, -100));
            using var output = model.Forward(Batches.ToTensor(source.InputIds), Batches.ToTensor(source.AttentionMask), labels: labels);
            var logits = output.Logits.to(ScalarType.Float32);
            var perToken = nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), labels.view(-1),
                ignore_index: -100, reduction: nn.Reduction.None).view(labels.shape);
            var sums = perToken.to(ScalarType.Float64).sum(1).data<double>().ToArray();
            var counts = labels.ne(-100).sum(1).data<long>().ToArray();
            for (int i = 0; i < n; i++)
                scores.Add(new SequenceScore(counts[i] == 0 ? 0 : sums[i] / counts[i], sums[i], (int)counts[i]));
            onBatch?.Invoke(scores.Count);
        }
        return scores;
    }
}
