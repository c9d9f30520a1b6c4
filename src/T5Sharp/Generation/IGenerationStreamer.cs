namespace T5Sharp.Generation;

/// <summary>
/// Receives tokens as they are produced (HF's BaseStreamer). Greedy and sampling only: beam search cannot know its
/// final tokens before it ends, which is why HF refuses streamers with beams too.
/// </summary>
public interface IGenerationStreamer
{
    /// <summary>The tokens of one step, one per row (pad for rows that already finished).</summary>
    void Put(int step, IReadOnlyList<long> tokens);

    /// <summary>Generation ended.</summary>
    void End();
}
