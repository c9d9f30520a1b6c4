using T5Sharp.Tokenization;

namespace T5Sharp.Data;

/// <summary>
/// Counts, batch by batch, what tokenizing cut: every verb that tokenizes (training data, generate, score, evaluate)
/// feeds its <see cref="BatchEncoding"/>s here and reports the same <see cref="TruncationReport"/>, so no input is cut
/// silently (transformers warns too). Thread-safe, since a caller may add from a worker.
/// </summary>
public sealed class TruncationTally
{
    readonly List<int> _sourceLengths = [], _targetLengths = [];
    int _sourcesCut, _targetsCut, _examplesCut, _sourceLimit, _targetLimit;
    bool _hasTargets;

    /// <summary>Adds one batch: its sources and, for pairs, the targets of the same examples.</summary>
    public void Add(BatchEncoding sources, BatchEncoding? targets = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (targets is not null && targets.Count != sources.Count)
            throw new ArgumentException($"{sources.Count} sources but {targets.Count} targets", nameof(targets));
        lock (_sourceLengths)
        {
            for (int i = 0; i < sources.Count; i++)
            {
                bool sourceCut = Cut(sources, i, ref _sourceLimit);
                bool targetCut = targets is not null && Cut(targets, i, ref _targetLimit);
                if (sourceCut) _sourcesCut++;
                if (targetCut) _targetsCut++;
                if (sourceCut || targetCut) _examplesCut++;
            }
            _sourceLengths.AddRange(sources.UntruncatedLengths);
            if (targets is not null)
            {
                _hasTargets = true;
                _targetLengths.AddRange(targets.UntruncatedLengths);
            }
        }
    }

    /// <summary>Whether row i lost ids; the length it was cut to raises the limit seen (truncation cuts to max_length exactly).</summary>
    static bool Cut(BatchEncoding encoding, int i, ref int limit)
    {
        int kept = encoding.AttentionMask[i].Count(m => m != 0);
        if (encoding.UntruncatedLengths[i] <= kept) return false;
        limit = Math.Max(limit, kept);
        return true;
    }

    /// <summary>What was cut so far. Limits not given are the lengths rows were cut to (0 when nothing was cut).</summary>
    public TruncationReport Report(int? maxSourceLength = null, int? maxTargetLength = null)
    {
        lock (_sourceLengths)
            return new TruncationReport(_sourceLengths.Count, maxSourceLength ?? _sourceLimit, maxTargetLength ?? _targetLimit,
                _sourcesCut, _targetsCut, _examplesCut, LengthStats.Of(_sourceLengths),
                _hasTargets ? LengthStats.Of(_targetLengths) : LengthStats.Of(Array.Empty<int>()));
    }
}
