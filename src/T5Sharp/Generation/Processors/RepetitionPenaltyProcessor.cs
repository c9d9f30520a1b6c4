using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>
/// HF's RepetitionPenaltyLogitsProcessor (CTRL): the score of every token already in the decoder ids (the start token
/// too) is multiplied by the penalty when negative and divided by it when positive.
/// </summary>
public sealed class RepetitionPenaltyProcessor(double penalty) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        int rows = state.Sequences.Count, length = state.Length;
        var flat = new long[rows * length];
        for (int r = 0; r < rows; r++) state.Sequences[r].CopyTo(flat, r * length);
        var ids = tensor(flat, [rows, length], ScalarType.Int64).to(scores.device);
        var seen = scores.gather(1, ids);
        var penalised = where(seen.lt(0), seen * penalty, seen / penalty);
        return scores.scatter(1, ids, penalised);
    }
}
