namespace T5Sharp.Distributed;

/// <summary>
/// What all ranks produced in one round of <see cref="ShardedBatches"/>: the results for the records
/// <see cref="Start"/> … <see cref="Start"/>+<see cref="Count"/>−1, in input order (as many results per record as the
/// work gives, e.g. several returned sequences).
/// </summary>
public sealed record ShardedRound<TResult>(int Start, int Count, IReadOnlyList<TResult> Results);
