using System.Buffers.Binary;

namespace T5Sharp.Tokenization;

/// <summary>
/// SentencePiece's precompiled normalisation rules (e.g. nmt_nfkc): a darts-clone double-array trie over UTF-8 byte
/// sequences whose values point into a blob of NUL-terminated replacement strings. Layout of the blob:
/// uint32 little-endian trie size in bytes, the trie's 32-bit units, then the replacement strings.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    readonly uint[] _units;
    readonly byte[] _replacements;

    PrecompiledCharsMap(uint[] units, byte[] replacements) { _units = units; _replacements = replacements; }

    public static PrecompiledCharsMap Parse(ReadOnlySpan<byte> blob, string source)
    {
        if (blob.Length < 4) throw new TokenizerException($"{source}: precompiled_charsmap has {blob.Length} bytes, expected at least 4");
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes % 4 != 0 || trieBytes > blob.Length - 4)
            throw new TokenizerException($"{source}: precompiled_charsmap declares a trie of {trieBytes} bytes, but the blob holds {blob.Length - 4}");
        var units = new uint[trieBytes / 4];
        for (int i = 0; i < units.Length; i++) units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(4 + 4 * i));
        return new PrecompiledCharsMap(units, blob.Slice(4 + (int)trieBytes).ToArray());
    }

    /// <summary>
    /// The longest rule matching a prefix of <paramref name="input"/>: its length in bytes (0 when none) and the
    /// replacement bytes. Mirrors darts-clone's commonPrefixSearch, keeping the longest hit as SentencePiece does.
    /// </summary>
    public int LongestMatch(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        if (_units.Length == 0) return 0;
        int longest = 0, value = 0;
        uint id = Offset(_units[0]);
        for (int i = 0; i < input.Length; i++)
        {
            id ^= input[i];
            if (id >= _units.Length) break;
            uint unit = _units[id];
            if (Label(unit) != input[i]) break;
            id ^= Offset(unit);
            if (HasLeaf(unit))
            {
                if (id >= _units.Length) break;
                longest = i + 1;
                value = (int)(_units[id] & 0x7FFFFFFFu);
            }
        }
        if (longest == 0) return 0;
        if (value >= _replacements.Length) return 0;
        var rest = _replacements.AsSpan(value);
        int end = rest.IndexOf((byte)0);
        replacement = end < 0 ? rest : rest[..end];
        return longest;
    }

    static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;
    static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);
    static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
