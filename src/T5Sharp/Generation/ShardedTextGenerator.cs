using T5Sharp.Data;
using T5Sharp.Distributed;
using T5Sharp.Pretrained;
using T5Sharp.Tokenization;

namespace T5Sharp.Generation;

/// <summary>
/// <see cref="TextGenerator.GenerateBatches"/> with the batches divided among the ranks of a run (batch k on rank
/// k mod N, <see cref="BatchShards"/>): every rank decodes only its batches and receives every output in input order,
/// round by round, so the outputs equal one process's (the same batches, decoded the same way; sampling draws from each
/// rank's own generator, so only deterministic decoding is the same). Every rank of the group must enumerate it together.
/// </summary>
public static class ShardedTextGenerator
{
    /// <summary>Each round's outputs (num_return_sequences per input), in input order.</summary>
    public static IEnumerable<IReadOnlyList<GeneratedText>> GenerateBatches(IProcessGroup group, PretrainedT5 pretrained,
        IReadOnlyList<string> inputs, GenerationConfig config, int batchSize = 8, int? maxSourceLength = null,
        TruncationTally? truncation = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.WorldSize == 1) return TextGenerator.GenerateBatches(pretrained, inputs, config, batchSize, maxSourceLength, truncation: truncation);
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        config.Validate();
        return Rounds();

        IEnumerable<IReadOnlyList<GeneratedText>> Rounds()
        {
            var rounds = ShardedBatches.Run(group, inputs, batchSize, (batch, _) => Generate(pretrained, batch, config, maxSourceLength));
            foreach (var round in rounds)
            {
                truncation?.Add(Lengths(round.Results));
                yield return round.Results.SelectMany(r => r.Outputs).ToList();
            }
        }
    }

    static ShardedInputOutputs[] Generate(PretrainedT5 pretrained, IReadOnlyList<string> batch, GenerationConfig config, int? maxSourceLength)
    {
        var outputs = TextGenerator.GenerateBatches(pretrained, batch, config, batch.Count, maxSourceLength).Single();
        // the lengths the truncation report needs travel with the outputs (tokenising a batch again costs little next to decoding it)
        var encoding = pretrained.Tokenizer.EncodeBatch(batch, maxSourceLength);
        int perInput = config.NumReturnSequences;
        return batch.Select((_, i) => new ShardedInputOutputs(outputs.Skip(i * perInput).Take(perInput).ToArray(),
            encoding.AttentionMask[i].Count(m => m != 0), encoding.UntruncatedLengths[i])).ToArray();
    }

    /// <summary>An encoding that carries only the lengths <see cref="TruncationTally"/> reads.</summary>
    static BatchEncoding Lengths(IReadOnlyList<ShardedInputOutputs> results) => new(
        results.Select(_ => Array.Empty<long>()).ToArray(),
        results.Select(r => Enumerable.Repeat(1L, r.KeptLength).ToArray()).ToArray(),
        results.Select(r => r.UntruncatedLength).ToArray());
}
