using System.Text.Json;
using TokenizerJson = T5Sharp.Formats.JsonFiles<T5Sharp.Tokenization.TokenizerException>;

namespace T5Sharp.Tokenization;

/// <summary>Everything <see cref="T5Tokenizer"/> is built from, as read from a model folder.</summary>
internal sealed record TokenizerSettings(
    SentencePieceModel Model,
    List<AddedToken> AddedTokens,
    List<string> AdditionalSpecialTokens,
    string PadToken, string EosToken, string UnkToken,
    bool Legacy, bool CleanUpTokenizationSpaces, bool AddPrefixSpace, int? ModelMaxLength);

/// <summary>
/// Reads a HF tokenizer folder the way T5Tokenizer.from_pretrained does: spiece.model (or, failing that, tokenizer.json),
/// then tokenizer_config.json, special_tokens_map.json and added_tokens.json for the special tokens and options.
/// </summary>
internal static class TokenizerFolder
{
    public static TokenizerSettings Read(string dir, bool? legacyOverride)
    {
        if (!Directory.Exists(dir)) throw new TokenizerException($"{dir}: tokenizer folder not found");
        string spiece = Path.Combine(dir, "spiece.model"), json = Path.Combine(dir, "tokenizer.json");
        List<AddedToken>? jsonAdded = null;
        SentencePieceModel model;
        if (File.Exists(spiece)) model = SentencePieceModel.Load(spiece);
        else if (File.Exists(json)) model = TokenizerJsonModel.Load(json, out jsonAdded);
        else throw new TokenizerException($"{dir}: no tokenizer found: expected spiece.model or tokenizer.json");

        string configPath = Path.Combine(dir, "tokenizer_config.json");
        using var config = File.Exists(configPath) ? TokenizerJson.Parse(configPath) : null;
        var cfg = config?.RootElement ?? default;
        string mapPath = Path.Combine(dir, "special_tokens_map.json");
        using var map = File.Exists(mapPath) ? TokenizerJson.Parse(mapPath) : null;
        var mp = map?.RootElement ?? default;

        string Special(string key, string fallback) =>
            (cfg.ValueKind == JsonValueKind.Object ? TokenContent(cfg, key, configPath) : null)
            ?? (mp.ValueKind == JsonValueKind.Object ? TokenContent(mp, key, mapPath) : null)
            ?? fallback;
        string pad = Special("pad_token", "<pad>"), eos = Special("eos_token", "</s>"), unk = Special("unk_token", "<unk>");

        // T5Tokenizer's own defaults: <extra_id_i> at id (sp size - 1 + extra_ids - i), eating whitespace on both sides;
        // what the folder's files say about a token replaces these.
        int extraIds = cfg.ValueKind == JsonValueKind.Object && cfg.TryGetProperty("extra_ids", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 100;
        var byId = new SortedDictionary<int, AddedToken>();
        for (int i = 0; i < extraIds; i++)
            byId[model.Count - 1 + extraIds - i] = new AddedToken($"<extra_id_{i}>", model.Count - 1 + extraIds - i, LStrip: true, RStrip: true);

        if (cfg.ValueKind == JsonValueKind.Object && cfg.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in decoder.EnumerateObject())
            {
                if (!int.TryParse(p.Name, out int id)) throw new TokenizerException($"{configPath}: added_tokens_decoder key '{p.Name}' is not an integer id");
                string where = $"{configPath} (added_tokens_decoder.{p.Name})";
                if (TokenizerJson.OptionalBool(p.Value, "single_word", where) == true)
                    throw new TokenizerException($"{where}: single_word=true is not supported by T5Sharp");
                byId[id] = new AddedToken(TokenizerJson.Required(p.Value, "content", where, JsonValueKind.String).GetString()!, id,
                    TokenizerJson.OptionalBool(p.Value, "lstrip", where) ?? false, TokenizerJson.OptionalBool(p.Value, "rstrip", where) ?? false,
                    TokenizerJson.OptionalBool(p.Value, "special", where) ?? false);
            }
        }
        else if (jsonAdded != null)
        {
            foreach (var t in jsonAdded) byId[t.Id] = t;
        }
        else
        {
            string addedPath = Path.Combine(dir, "added_tokens.json");
            if (File.Exists(addedPath))
            {
                using var added = TokenizerJson.Parse(addedPath);
                foreach (var p in added.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.Number) throw new TokenizerException($"{addedPath}: '{p.Name}' has {p.Value.ValueKind}, expected an integer id");
                    int id = p.Value.GetInt32();
                    byId[id] = byId.TryGetValue(id, out var old) && old.Content == p.Name ? old : new AddedToken(p.Name, id);
                }
            }
        }
        // <pad>, </s>, <unk> are always added tokens of the slow tokenizer, at their SentencePiece ids.
        foreach (string s in new[] { pad, eos, unk })
        {
            if (byId.Values.Any(t => t.Content == s)) continue;
            int id = IndexOf(model, s);
            if (id < 0) throw new TokenizerException($"{dir}: special token '{s}' is neither an added token nor a piece of {model.Source}");
            byId[id] = new AddedToken(s, id, Special: true);
        }

        List<string>? additional = null;
        foreach (var (root, path) in new[] { (cfg, configPath), (mp, mapPath) })
        {
            if (additional != null || root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("additional_special_tokens", out var list)) continue;
            if (list.ValueKind != JsonValueKind.Array) throw new TokenizerException($"{path}: 'additional_special_tokens' is {list.ValueKind}, expected an array");
            additional = list.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()!
                : TokenizerJson.Required(x, "content", path + " (additional_special_tokens)", JsonValueKind.String).GetString()!).ToList();
        }
        additional ??= Enumerable.Range(0, extraIds).Select(i => $"<extra_id_{i}>").ToList();

        bool legacy = legacyOverride ?? (cfg.ValueKind == JsonValueKind.Object ? TokenizerJson.OptionalBool(cfg, "legacy", configPath) : null) ?? true;
        bool cleanUp = (cfg.ValueKind == JsonValueKind.Object ? TokenizerJson.OptionalBool(cfg, "clean_up_tokenization_spaces", configPath) : null) ?? true;
        // T5Tokenizer's add_prefix_space defaults to True, but a null in the config is passed through and reads as false.
        bool addPrefixSpace = cfg.ValueKind != JsonValueKind.Object || !cfg.TryGetProperty("add_prefix_space", out var aps) || aps.ValueKind == JsonValueKind.True;
        int? maxLength = null;
        if (cfg.ValueKind == JsonValueKind.Object && cfg.TryGetProperty("model_max_length", out var mml) && mml.ValueKind == JsonValueKind.Number)
        {
            double v = mml.GetDouble();
            if (v >= 1 && v <= int.MaxValue) maxLength = (int)v;  // HF writes 1e30 for "no limit"
        }
        return new TokenizerSettings(model, byId.Values.ToList(), additional, pad, eos, unk, legacy, cleanUp, addPrefixSpace, maxLength);
    }

    static int IndexOf(SentencePieceModel model, string piece)
    {
        for (int i = 0; i < model.Count; i++) if (model.Pieces[i] == piece) return i;
        return -1;
    }

    /// <summary>A special token written either as "&lt;pad&gt;" or as HF's AddedToken object {"content": "&lt;pad&gt;", ...}.</summary>
    static string? TokenContent(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        if (v.ValueKind == JsonValueKind.Object) return TokenizerJson.Required(v, "content", $"{path} ({key})", JsonValueKind.String).GetString();
        throw new TokenizerException($"{path}: key '{key}' is {v.ValueKind}, expected a string or a token object with 'content'");
    }
}
