using static TorchSharp.torch;

namespace T5Sharp.Data;

/// <summary>Padded id rows to tensors.</summary>
public static class Batches
{
    /// <summary>A [rows, columns] int64 tensor from equal-length rows (a padded batch).</summary>
    public static Tensor ToTensor(long[][] rows)
    {
        int columns = rows.Length == 0 ? 0 : rows[0].Length;
        var flat = new long[rows.Length * columns];
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r].Length != columns) throw new ArgumentException($"row {r} has {rows[r].Length} ids, row 0 has {columns}: pad first");
            rows[r].CopyTo(flat, r * columns);
        }
        return tensor(flat, [rows.Length, columns], ScalarType.Int64);
    }

    /// <summary>
    /// Token rows of different lengths as a right-padded [rows, longest] id tensor and its 1/0 attention mask (a
    /// tokenizer's batch encoding, for ids that are already tokens).
    /// </summary>
    public static (Tensor InputIds, Tensor AttentionMask) PadWithMask(IReadOnlyList<long[]> rows, long pad) =>
        (ToTensor(PadRight(rows, pad)), ToTensor(PadRight(rows.Select(r => Enumerable.Repeat(1L, r.Length).ToArray()).ToList(), 0)));

    /// <summary>Right-pads rows to the longest with <paramref name="pad"/> (labels use -100, which the loss ignores).</summary>
    public static long[][] PadRight(IReadOnlyList<long[]> rows, long pad)
    {
        int longest = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        return rows.Select(r => r.Concat(Enumerable.Repeat(pad, longest - r.Length)).ToArray()).ToArray();
    }
}
