using System.Buffers;
using System.Text;

namespace T5Sharp.Tokenization;

/// <summary>
/// SentencePiece's unigram segmentation (Model::EncodeOptimized in sentencepiece 0.1.97): normalise, then a Viterbi
/// pass over the normalised bytes, then runs of unknown characters merged into one &lt;unk&gt;. The float details are
/// kept on purpose, because they decide ties between equal-score segmentations ("Hmmm" → H mm m, not H m mm):
/// a candidate is a double (piece score as double + the float best-so-far), it must beat the stored float strictly,
/// and it is stored rounded to float; an unknown character costs (min score − 10) computed in float.
/// </summary>
internal sealed class UnigramEncoder
{
    const float UnkPenalty = 10.0f;

    readonly PieceTrie _trie;
    readonly float[] _scores;
    readonly PieceType[] _types;
    readonly int _unkId;
    readonly float _unkScore;
    readonly SentencePieceNormalizer _normalizer;

    public UnigramEncoder(SentencePieceModel model)
    {
        _scores = model.Scores.ToArray();
        _types = model.Types.ToArray();
        _unkId = model.UnkId;
        for (int i = 0; i < _types.Length; i++)
            if (_types[i] is PieceType.UserDefined or PieceType.Byte)
                throw new TokenizerException($"{model.Source}: piece {i} '{model.Pieces[i]}' is of type {_types[i]}, which T5Sharp's unigram encoder does not support (T5 models have none)");
        // Only NORMAL pieces set the unknown-character score, as in SentencePiece.
        float min = float.MaxValue;
        for (int i = 0; i < _types.Length; i++) if (_types[i] == PieceType.Normal) min = Math.Min(min, _scores[i]);
        _unkScore = min - UnkPenalty;
        // Control and unknown pieces (<pad>, </s>, <unk>) are never matched in text; unused ones are in the trie but skipped.
        _trie = new PieceTrie(Enumerable.Range(0, _types.Length)
            .Where(i => _types[i] is PieceType.Normal or PieceType.Unused)
            .Select(i => (Encoding.UTF8.GetBytes(model.Pieces[i]), i)));
        _normalizer = new SentencePieceNormalizer(model.CharsMap, model.AddDummyPrefix, model.RemoveExtraWhitespaces, model.EscapeWhitespaces);
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids, bool? addDummyPrefix = null)
    {
        if (text.IsEmpty) return;
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        byte[] normalized = ArrayPool<byte>.Shared.Rent(text.Length * 9 + 8);
        try
        {
            int n = Encoding.UTF8.GetBytes(text, utf8);
            byte[] buffer = normalized;
            int size = _normalizer.Normalize(utf8.AsSpan(0, n), ref buffer, addDummyPrefix);
            Viterbi(buffer.AsSpan(0, size), ids);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
            ArrayPool<byte>.Shared.Return(normalized);
        }
    }

    void Viterbi(ReadOnlySpan<byte> s, List<int> ids)
    {
        int size = s.Length;
        if (size == 0) return;
        float[] best = ArrayPool<float>.Shared.Rent(size + 1);
        int[] startsAt = ArrayPool<int>.Shared.Rent(size + 1);
        int[] pieceAt = ArrayPool<int>.Shared.Rent(size + 1);
        try
        {
            best[0] = 0f;
            for (int i = 0; i <= size; i++) startsAt[i] = -1;
            int start = 0;
            while (start < size)
            {
                float tillHere = best[start];
                int charLen = Math.Min(OneCharLen(s[start]), size - start);
                bool hasSingleNode = false;
                int node = PieceTrie.Root;
                for (int pos = start; pos < size; pos++)
                {
                    node = _trie.Next(node, s[pos]);
                    if (node < 0) break;
                    int id = _trie.Value(node);
                    if (id < 0 || _types[id] == PieceType.Unused) continue;
                    int end = pos + 1;
                    double candidate = (double)_scores[id] + tillHere;
                    if (startsAt[end] == -1 || candidate > best[end])
                    {
                        best[end] = (float)candidate; startsAt[end] = start; pieceAt[end] = id;
                    }
                    if (end - start == charLen) hasSingleNode = true;
                }
                if (!hasSingleNode)
                {
                    int end = start + charLen;
                    float candidate = _unkScore + tillHere;
                    if (startsAt[end] == -1 || candidate > best[end])
                    {
                        best[end] = candidate; startsAt[end] = start; pieceAt[end] = _unkId;
                    }
                }
                start += charLen;
            }

            int first = ids.Count;
            for (int end = size; end > 0; end = startsAt[end]) ids.Add(pieceAt[end]);
            ids.Reverse(first, ids.Count - first);
            // SentencePiece reports a run of unknown characters as one <unk> piece.
            int w = first;
            for (int r = first; r < ids.Count; r++)
            {
                if (ids[r] == _unkId && w > first && ids[w - 1] == _unkId) continue;
                ids[w++] = ids[r];
            }
            ids.RemoveRange(w, ids.Count - w);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(best);
            ArrayPool<int>.Shared.Return(startsAt);
            ArrayPool<int>.Shared.Return(pieceAt);
        }
    }

    /// <summary>SentencePiece's OneCharLen: the UTF-8 length implied by a lead byte (1 for stray continuation bytes).</summary>
    static int OneCharLen(byte lead) => (lead >> 4) switch { < 12 => 1, 12 or 13 => 2, 14 => 3, _ => 4 };
}
