using System.Text;

namespace T5Sharp.Tokenization;

/// <summary>
/// Turns pieces back into text like HF's T5Tokenizer.convert_tokens_to_string, which decodes runs of ordinary pieces
/// with SentencePiece (▁ → space, the first ▁ of the output dropped) and keeps special tokens verbatim with a space
/// before a special token that follows text.
/// </summary>
internal sealed class PieceDecoder(SentencePieceModel model, IReadOnlySet<string> specialTokens, bool addPrefixSpace)
{
    const char Underline = '\u2581';
    readonly Dictionary<string, int> _pieceIds = BuildPieceIds(model);

    static Dictionary<string, int> BuildPieceIds(SentencePieceModel model)
    {
        var ids = new Dictionary<string, int>(model.Count, StringComparer.Ordinal);
        for (int i = 0; i < model.Count; i++) ids.TryAdd(model.Pieces[i], i);
        return ids;
    }

    public string TokensToString(List<string> tokens)
    {
        if (tokens.Count == 0) return "";
        // T5Tokenizer drops the prefix space it would have added when encoding.
        if (addPrefixSpace && tokens[0].Length > 0 && tokens[0][0] == Underline) tokens[0] = tokens[0][1..];
        var output = new StringBuilder();
        var run = new List<string>();
        bool prevIsSpecial = false;
        foreach (string token in tokens)
        {
            if (specialTokens.Contains(token))
            {
                if (!prevIsSpecial) output.Append(' ');
                output.Append(DecodePieces(run)).Append(token);
                prevIsSpecial = true;
                run.Clear();
            }
            else
            {
                run.Add(token);
                prevIsSpecial = false;
            }
        }
        output.Append(DecodePieces(run));
        return PythonText.Strip(output.ToString());
    }

    /// <summary>SentencePiece 0.1.97's DecodePieces: control pieces vanish, unknown strings pass through as they are,
    /// a ▁ that starts the output is dropped, every other ▁ becomes a space.</summary>
    string DecodePieces(List<string> pieces)
    {
        var text = new StringBuilder();
        foreach (string piece in pieces)
        {
            int id = _pieceIds.TryGetValue(piece, out int found) ? found : model.UnkId;
            var type = model.Types[id];
            if (type == PieceType.Control) continue;
            if (type == PieceType.Unknown)
            {
                text.Append(piece == model.Pieces[id] ? " \u2047 " : piece);
                continue;
            }
            var p = piece.AsSpan();
            if (text.Length == 0 && (model.AddDummyPrefix || model.RemoveExtraWhitespaces) && p.Length > 0 && p[0] == Underline) p = p[1..];
            foreach (char c in p) text.Append(c == Underline ? ' ' : c);
        }
        return text.ToString();
    }

    /// <summary>HF's clean_up_tokenization: no space before punctuation and English contractions.</summary>
    public static string CleanUp(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
}
