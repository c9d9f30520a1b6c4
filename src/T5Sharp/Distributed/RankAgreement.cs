using static TorchSharp.torch;

namespace T5Sharp.Distributed;

/// <summary>
/// Decisions every rank must take together (stop, save on an interrupt): a rank that stopped alone would leave the
/// others waiting in their next collective. Each flag becomes true on every rank when it is true on any (a max
/// all-reduce); sums of numbers (a step's loss, tokens) are added up the same way.
/// </summary>
public static class RankAgreement
{
    /// <summary>For each flag: whether any rank set it. A single process gets its own flags back.</summary>
    public static bool[] Any(IProcessGroup group, params bool[] flags)
    {
        if (group.WorldSize == 1) return flags;
        using var values = tensor(flags.Select(f => f ? 1 : 0).ToArray(), ScalarType.Int32);
        group.AllReduce(values, ReduceOp.Max);
        return values.data<int>().Select(v => v != 0).ToArray();
    }

    /// <summary>Each value summed over the ranks (float64). A single process gets its own values back.</summary>
    public static double[] Sum(IProcessGroup group, params double[] values)
    {
        if (group.WorldSize == 1) return values;
        using var sums = tensor(values, ScalarType.Float64);
        group.AllReduce(sums, ReduceOp.Sum);
        return sums.data<double>().ToArray();
    }
}
