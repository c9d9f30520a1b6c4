using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>One of HF's LogitsProcessor / LogitsWarper: maps next-token scores [rows, vocab] to processed scores.</summary>
public interface ILogitsProcessor
{
    /// <summary>May modify <paramref name="scores"/> in place; returns the processed scores.</summary>
    Tensor Process(DecodingState state, Tensor scores);
}
