using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// What <see cref="T5ForConditionalGeneration.Forward"/> returns (HF's Seq2SeqLMOutput). Hidden-state lists are filled
/// only when asked for (they belong to no dispose scope: dispose the output): index 0 is the embedding output, then each later block's input, the last is after the final norm.
/// </summary>
public sealed class T5Output : IDisposable
{
    public required Tensor Logits { get; init; }
    /// <summary>Mean cross-entropy over labels ≠ -100; null without labels.</summary>
    public Tensor? Loss { get; init; }
    public required Tensor EncoderLastHiddenState { get; init; }
    public required Tensor DecoderLastHiddenState { get; init; }
    public IReadOnlyList<Tensor>? EncoderHiddenStates { get; init; }
    public IReadOnlyList<Tensor>? DecoderHiddenStates { get; init; }

    public void Dispose()
    {
        var all = new[] { Logits, Loss, EncoderLastHiddenState, DecoderLastHiddenState }
            .Concat(EncoderHiddenStates ?? []).Concat(DecoderHiddenStates ?? []);
        foreach (var t in all) t?.Dispose();
    }
}
