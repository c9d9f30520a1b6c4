namespace T5Sharp.Tokenization;

/// <summary>
/// A token matched in raw text before SentencePiece runs (&lt;pad&gt;, &lt;/s&gt;, &lt;unk&gt;, &lt;extra_id_N&gt;).
/// <paramref name="LStrip"/>/<paramref name="RStrip"/>: it swallows the whitespace on its left/right, as in HF's AddedToken.
/// </summary>
public sealed record AddedToken(string Content, int Id, bool LStrip = false, bool RStrip = false, bool Special = true);
