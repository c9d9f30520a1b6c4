using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// One collated micro-batch, as DataCollatorForSeq2Seq returns it: int64 [B, S] inputs and mask, [B, T] labels padded
/// with -100, and optionally the decoder inputs (otherwise the labels shifted right). The caller owns the tensors.
/// </summary>
public sealed record TrainingBatch(Tensor InputIds, Tensor AttentionMask, Tensor Labels, Tensor? DecoderInputIds = null);
