using System.Text.Json;
using TokenizerJson = T5Sharp.Formats.JsonFiles<T5Sharp.Tokenization.TokenizerException>;

namespace T5Sharp.Tokenization;

/// <summary>
/// Builds a <see cref="SentencePieceModel"/> from a Hugging Face <c>tokenizer.json</c> (for folders that have no
/// spiece.model): the Unigram vocabulary with its scores, and the SentencePiece normaliser settings that its declared
/// normalizer (Precompiled charsmap, Replace " {2,}" → " ") and pre-tokenizer (Metaspace, WhitespaceSplit) stand for.
/// Encoding then runs SentencePiece's algorithm over the whole text, so ids equal those of the spiece.model.
/// </summary>
internal static class TokenizerJsonModel
{
    public static SentencePieceModel Load(string path, out List<AddedToken> addedTokens)
    {
        using var doc = TokenizerJson.Parse(path);
        var root = doc.RootElement;
        var model = TokenizerJson.Required(root, "model", path, JsonValueKind.Object);
        string type = TokenizerJson.Required(model, "type", path + " (model)", JsonValueKind.String).GetString()!;
        if (type != "Unigram") throw new TokenizerException($"{path}: model.type is '{type}', expected 'Unigram' (T5's SentencePiece model)");
        if (TokenizerJson.OptionalBool(model, "byte_fallback", path) == true)
            throw new TokenizerException($"{path}: model.byte_fallback is true, which T5Sharp does not support (T5 models have it off)");
        int unkId = TokenizerJson.Required(model, "unk_id", path + " (model)", JsonValueKind.Number).GetInt32();

        addedTokens = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var t in added.EnumerateArray())
                addedTokens.Add(new AddedToken(
                    TokenizerJson.Required(t, "content", path + " (added_tokens)", JsonValueKind.String).GetString()!,
                    TokenizerJson.Required(t, "id", path + " (added_tokens)", JsonValueKind.Number).GetInt32(),
                    TokenizerJson.OptionalBool(t, "lstrip", path) ?? false,
                    TokenizerJson.OptionalBool(t, "rstrip", path) ?? false,
                    TokenizerJson.OptionalBool(t, "special", path) ?? false));
        var specialIds = addedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();

        var vocab = TokenizerJson.Required(model, "vocab", path + " (model)", JsonValueKind.Array);
        var pieces = new List<string>(); var scores = new List<float>(); var types = new List<PieceType>();
        int index = 0;
        foreach (var entry in vocab.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2
                || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.Number)
                throw new TokenizerException($"{path}: model.vocab[{index}] is not a [piece, score] pair");
            pieces.Add(entry[0].GetString()!);
            // Scores are float32 values written as doubles; rounding back gives the exact float SentencePiece holds.
            scores.Add((float)entry[1].GetDouble());
            types.Add(index == unkId ? PieceType.Unknown : specialIds.Contains(index) ? PieceType.Control : PieceType.Normal);
            index++;
        }
        // HF appends the sentinels (<extra_id_N>) to the vocabulary; SentencePiece's own vocabulary ends before them.
        while (pieces.Count > 0 && types[^1] == PieceType.Control && pieces.Count - 1 != unkId)
        {
            pieces.RemoveAt(pieces.Count - 1); scores.RemoveAt(scores.Count - 1); types.RemoveAt(types.Count - 1);
        }

        PrecompiledCharsMap? charsMap = null;
        bool removeExtra = false, addDummyPrefix = false, sawMetaspace = false;
        foreach (var n in Flatten(root.TryGetProperty("normalizer", out var norm) ? norm : default, "normalizers"))
        {
            string nt = TokenizerJson.Required(n, "type", path + " (normalizer)", JsonValueKind.String).GetString()!;
            if (nt == "Precompiled")
            {
                string? b64 = TokenizerJson.OptionalString(n, "precompiled_charsmap", path);
                if (!string.IsNullOrEmpty(b64)) charsMap = PrecompiledCharsMap.Parse(Convert.FromBase64String(b64), path);
            }
            else if (nt == "Replace" && IsCollapseSpaces(n)) removeExtra = true;
            else throw new TokenizerException($"{path}: normalizer type '{nt}' is not one T5Sharp maps onto SentencePiece (expected Precompiled, Replace \" {{2,}}\" → \" \")");
        }
        foreach (var p in Flatten(root.TryGetProperty("pre_tokenizer", out var pre) ? pre : default, "pretokenizers"))
        {
            string pt = TokenizerJson.Required(p, "type", path + " (pre_tokenizer)", JsonValueKind.String).GetString()!;
            if (pt == "WhitespaceSplit") removeExtra = true;
            else if (pt == "Metaspace")
            {
                sawMetaspace = true;
                string? scheme = TokenizerJson.OptionalString(p, "prepend_scheme", path);
                addDummyPrefix = scheme is "always" or "first" || (scheme == null && (TokenizerJson.OptionalBool(p, "add_prefix_space", path) ?? true));
            }
            else throw new TokenizerException($"{path}: pre_tokenizer type '{pt}' is not one T5Sharp maps onto SentencePiece (expected Metaspace, WhitespaceSplit)");
        }
        if (!sawMetaspace) throw new TokenizerException($"{path}: pre_tokenizer has no Metaspace step; expected a SentencePiece-style tokenizer.json");
        return new SentencePieceModel(path, pieces, scores, types, charsMap, addDummyPrefix, removeExtra, escapeWhitespaces: true);
    }

    static IEnumerable<JsonElement> Flatten(JsonElement e, string listKey)
    {
        if (e.ValueKind != JsonValueKind.Object) yield break;
        if (e.TryGetProperty("type", out var t) && t.GetString() == "Sequence" && e.TryGetProperty(listKey, out var list))
        {
            foreach (var item in list.EnumerateArray())
                foreach (var inner in Flatten(item, listKey)) yield return inner;
        }
        else yield return e;
    }

    static bool IsCollapseSpaces(JsonElement replace) =>
        replace.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
        && pattern.TryGetProperty("Regex", out var regex) && regex.GetString() == " {2,}"
        && replace.TryGetProperty("content", out var content) && content.GetString() == " ";
}
