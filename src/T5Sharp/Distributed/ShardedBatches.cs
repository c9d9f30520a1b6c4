using System.Text.Json;
using System.Text.Json.Serialization;

namespace T5Sharp.Distributed;

/// <summary>
/// Runs a piece of work over records in batches with the batches divided among the ranks (<see cref="BatchShards"/>),
/// and hands every rank all the results back in input order, round by round, so that a caller can write, report and
/// score them as a single process would (accelerate's sharded evaluation loader plus gather_for_metrics). Each round is
/// one all-gather of the ranks' results serialised as JSON, which carries strings, numbers (also NaN and ±∞) and arrays
/// exactly; every rank must enumerate the rounds to the end, since a rank that stops leaves the others waiting.
/// In one process it is a plain loop over the batches: nothing is serialised.
/// </summary>
public static class ShardedBatches
{
    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <param name="work">Computes a batch's results from its records and the index of its first record.</param>
    public static IEnumerable<ShardedRound<TResult>> Run<TRecord, TResult>(IProcessGroup group, IReadOnlyList<TRecord> records,
        int batchSize, Func<IReadOnlyList<TRecord>, int, IReadOnlyList<TResult>> work)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(work);
        var shards = new BatchShards(records.Count, batchSize, group.WorldSize);
        return Rounds();

        IEnumerable<ShardedRound<TResult>> Rounds()
        {
            for (int round = 0; round < shards.Rounds; round++)
            {
                var (start, count) = shards.RecordsOfRound(round);
                yield return new ShardedRound<TResult>(start, count, RunRound(group, records, shards, round, work));
            }
        }
    }

    static List<TResult> RunRound<TRecord, TResult>(IProcessGroup group, IReadOnlyList<TRecord> records, BatchShards shards,
        int round, Func<IReadOnlyList<TRecord>, int, IReadOnlyList<TResult>> work)
    {
        IReadOnlyList<TResult>? mine = null;
        if (shards.BatchOf(group.Rank, round) is int batch)
        {
            var (start, count) = shards.RecordsOf(batch);
            mine = work(Slice(records, start, count), start);
        }
        if (group.WorldSize == 1) return [.. mine ?? []];
        // a rank past the end sends nothing; the others know that from the shard arithmetic, not from the bytes
        byte[] bytes = mine is null ? [] : JsonSerializer.SerializeToUtf8Bytes(mine.ToArray(), Json);
        var gathered = group.AllGather(bytes);
        var results = new List<TResult>();
        for (int rank = 0; rank < group.WorldSize; rank++)
        {
            if (shards.BatchOf(rank, round) is null) continue;
            var part = JsonSerializer.Deserialize<TResult[]>(gathered[rank], Json)
                ?? throw new DistributedException($"rank {rank} sent no results for its batch of round {round}");
            results.AddRange(part);
        }
        return results;
    }

    static IReadOnlyList<TRecord> Slice<TRecord>(IReadOnlyList<TRecord> records, int start, int count)
    {
        var slice = new TRecord[count];
        for (int i = 0; i < count; i++) slice[i] = records[start + i];
        return slice;
    }
}
