namespace T5Sharp.Tokenization;

/// <summary>
/// SentencePiece's normaliser (normalizer.cc, 0.1.97) on UTF-8 bytes: each step replaces the longest prefix that the
/// precompiled charsmap has a rule for (NFKC folding, control characters dropped, \t \n \r and odd spaces to ' '),
/// drops leading and trailing whitespace and collapses runs (remove_extra_whitespaces), turns ' ' into '▁'
/// (escape_whitespaces) and puts a '▁' in front (add_dummy_prefix). Working on bytes keeps the positions that the
/// Viterbi search and its tie-breaking see identical to SentencePiece's.
/// </summary>
internal sealed class SentencePieceNormalizer(PrecompiledCharsMap? charsMap, bool addDummyPrefix, bool removeExtraWhitespaces, bool escapeWhitespaces)
{
    static ReadOnlySpan<byte> SpaceSymbol => "\u2581"u8;
    static ReadOnlySpan<byte> ReplacementChar => "\uFFFD"u8;

    /// <summary>Normalises <paramref name="input"/> into <paramref name="output"/> (grown as needed); returns the byte count.</summary>
    public int Normalize(ReadOnlySpan<byte> input, ref byte[] output, bool? addDummyPrefixOverride = null)
    {
        if (input.IsEmpty) return 0;
        if (removeExtraWhitespaces)
        {
            while (!input.IsEmpty)
            {
                int n = NormalizePrefix(input, out var rep);
                if (!(rep.Length == 1 && rep[0] == (byte)' ')) break;
                input = input[n..];
            }
            if (input.IsEmpty) return 0;
        }

        // A rule can expand a character (e.g. a ligature to three letters); 3x plus the prefix covers every nmt_nfkc rule,
        // and the writer grows the buffer anyway if a custom map expands further.
        int need = input.Length * 3 + 8;
        if (output.Length < need) output = new byte[need];
        int len = 0;
        if (addDummyPrefixOverride ?? addDummyPrefix) AppendSpace(ref output, ref len);

        bool isPrevSpace = removeExtraWhitespaces;
        while (!input.IsEmpty)
        {
            int consumed = NormalizePrefix(input, out var sp);
            if (isPrevSpace)
                while (!sp.IsEmpty && sp[0] == (byte)' ') sp = sp[1..];
            if (!sp.IsEmpty)
            {
                foreach (byte b in sp)
                {
                    if (escapeWhitespaces && b == (byte)' ') AppendSpace(ref output, ref len);
                    else Append(ref output, ref len, b);
                }
                isPrevSpace = sp[^1] == (byte)' ';
            }
            input = input[consumed..];
            if (!removeExtraWhitespaces) isPrevSpace = false;
        }

        if (removeExtraWhitespaces)
        {
            var space = escapeWhitespaces ? SpaceSymbol : " "u8;
            while (len >= space.Length && output.AsSpan(len - space.Length, space.Length).SequenceEqual(space)) len -= space.Length;
        }
        return len;
    }

    /// <summary>The replacement for the longest rule at the start of <paramref name="input"/>, or its first character unchanged.</summary>
    int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        if (charsMap != null)
        {
            int matched = charsMap.LongestMatch(input, out replacement);
            if (matched > 0) return matched;
        }
        int n = Utf8CharLength(input);
        if (n == 0) { replacement = ReplacementChar; return 1; }  // malformed UTF-8: one byte becomes U+FFFD
        replacement = input[..n];
        return n;
    }

    /// <summary>Length of the valid UTF-8 character at the start, or 0 when malformed.</summary>
    internal static int Utf8CharLength(ReadOnlySpan<byte> s)
    {
        byte b = s[0];
        int n = b < 0x80 ? 1 : b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
        if (n == 0 || n > s.Length) return 0;
        for (int i = 1; i < n; i++) if ((s[i] & 0xC0) != 0x80) return 0;
        return n;
    }

    static void AppendSpace(ref byte[] output, ref int len)
    {
        foreach (byte b in SpaceSymbol) Append(ref output, ref len, b);
    }

    static void Append(ref byte[] output, ref int len, byte b)
    {
        if (len == output.Length) Array.Resize(ref output, output.Length * 2);
        output[len++] = b;
    }
}
