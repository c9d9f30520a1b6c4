using static TorchSharp.torch;

namespace T5Sharp.Data;

/// <summary>A padded micro-batch: input ids and mask [B, S] (pad 0 / mask 0), labels [B, T] padded with -100.</summary>
public sealed record Seq2SeqBatch(long[][] InputIds, long[][] AttentionMask, long[][] Labels)
{
    public int Count => InputIds.Length;

    /// <summary>int64 tensors of the three arrays; the caller disposes them (e.g. in its per-step dispose scope).</summary>
    public (Tensor InputIds, Tensor AttentionMask, Tensor Labels) ToTensors() =>
        (Batches.ToTensor(InputIds), Batches.ToTensor(AttentionMask), Batches.ToTensor(Labels));
}
