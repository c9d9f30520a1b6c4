using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// What <see cref="T5ForConditionalGeneration.Forward"/> returns (HF's Seq2SeqLMOutput). Hidden-state lists are filled
/// only when asked for: index 0 is the embedding output, then each later block's input, the last is after the final norm.
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
        // the last hidden-state entries are the same objects as the *LastHiddenState properties: dispose each once
        var all = new[] { Logits, Loss, EncoderLastHiddenState, DecoderLastHiddenState }
            .Concat(EncoderHiddenStates ?? []).Concat(DecoderHiddenStates ?? []).OfType<Tensor>();
        foreach (var t in all.Distinct<object>(ReferenceEqualityComparer.Instance)) ((Tensor)t).Dispose();
    }
}
