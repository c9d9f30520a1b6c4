namespace T5Sharp.Tokenization;

/// <summary>
/// The T5 / FLAN-T5 tokenizer, giving exactly the ids of Hugging Face's slow T5Tokenizer: added tokens
/// (&lt;pad&gt;, &lt;/s&gt;, &lt;unk&gt;, &lt;extra_id_N&gt;) are split out of the text first, every other stretch is
/// encoded by SentencePiece's unigram algorithm, and &lt;/s&gt; is appended. Immutable and thread-safe once built.
/// </summary>
public sealed class T5Tokenizer
{
    const char Underline = '\u2581';

    readonly UnigramEncoder _encoder;
    readonly AddedTokenSplitter _splitter;
    readonly Dictionary<int, AddedToken> _addedById;
    readonly HashSet<int> _specialIds;
    readonly HashSet<string> _specialTokens;
    readonly HashSet<string> _legacyAddedTokens;
    readonly PieceDecoder _decoder;
    readonly SentencePieceModel _model;
    readonly int _unkPrefixLength;
    readonly int _underlineId;
    readonly bool _addPrefixSpace;
    readonly string _unkToken;

    public int PadTokenId { get; }
    public int EosTokenId { get; }
    public int UnkTokenId { get; }
    /// <summary>len(tokenizer): the SentencePiece vocabulary plus the added tokens beyond it (32100 for FLAN-T5).</summary>
    public int Count { get; }
    /// <summary>Size of the SentencePiece vocabulary alone (32000 for FLAN-T5).</summary>
    public int SentencePieceCount => _model.Count;
    /// <summary>HF's <c>legacy</c> flag: true keeps SentencePiece's dummy prefix on text after an added token.</summary>
    public bool Legacy { get; }
    /// <summary>Default of Decode's clean-up (tokenizer_config.json's clean_up_tokenization_spaces; HF's default is true).</summary>
    public bool CleanUpTokenizationSpaces { get; }
    /// <summary>tokenizer_config.json's model_max_length, or null when it is HF's "no limit" (1e30) or absent.</summary>
    public int? ModelMaxLength { get; }
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    T5Tokenizer(TokenizerSettings s)
    {
        _model = s.Model;
        _encoder = new UnigramEncoder(s.Model);
        AddedTokens = s.AddedTokens;
        _splitter = new AddedTokenSplitter(s.AddedTokens);
        _addedById = s.AddedTokens.ToDictionary(t => t.Id);
        var idOf = s.AddedTokens.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First().Id);
        int Id(string token) => idOf.TryGetValue(token, out int id) ? id
            : throw new TokenizerException($"{s.Model.Source}: special token '{token}' has no id");
        PadTokenId = Id(s.PadToken); EosTokenId = Id(s.EosToken); UnkTokenId = Id(s.UnkToken);
        _specialTokens = new HashSet<string>(new[] { s.EosToken, s.UnkToken, s.PadToken }.Concat(s.AdditionalSpecialTokens), StringComparer.Ordinal);
        _specialIds = _specialTokens.Where(idOf.ContainsKey).Select(t => idOf[t]).ToHashSet();
        // HF's _decode keeps these apart from the SentencePiece text and joins them with spaces.
        _legacyAddedTokens = s.AddedTokens.Where(t => !_specialTokens.Contains(t.Content)).Select(t => t.Content)
            .Concat(s.AdditionalSpecialTokens.Where(t => idOf.TryGetValue(t, out int id) && id >= s.Model.Count))
            .ToHashSet(StringComparer.Ordinal);
        Count = s.Model.Count + s.AddedTokens.Count(t => t.Id >= s.Model.Count);
        Legacy = s.Legacy;
        CleanUpTokenizationSpaces = s.CleanUpTokenizationSpaces;
        ModelMaxLength = s.ModelMaxLength;
        _decoder = new PieceDecoder(s.Model, _specialTokens, s.AddPrefixSpace);
        _addPrefixSpace = s.AddPrefixSpace;
        _unkToken = s.UnkToken;
        var unkIds = new List<int>();
        _encoder.Encode(s.UnkToken, unkIds, addDummyPrefix: false);
        _unkPrefixLength = unkIds.Count;
        _underlineId = Enumerable.Range(0, s.Model.Count).FirstOrDefault(i => s.Model.Pieces[i] == "\u2581", -1);
    }

    /// <summary>Loads spiece.model (or tokenizer.json) and the HF config files from a model or tokenizer folder.</summary>
    /// <param name="legacy">Overrides tokenizer_config.json's <c>legacy</c> (absent means true, as in HF).</param>
    public static T5Tokenizer FromFolder(string dir, bool? legacy = null) => new(TokenizerFolder.Read(dir, legacy));

    /// <summary>HF's <c>tokenizer(text)["input_ids"]</c>: &lt;/s&gt; is appended unless the text already ends with it.</summary>
    public int[] Encode(string text, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = EncodeWithoutEos(text);
        if (addEos && (ids.Count == 0 || ids[^1] != EosTokenId)) ids.Add(EosTokenId);
        return ids.ToArray();
    }

    /// <summary>The pieces HF's <c>tokenizer.tokenize(text)</c> returns (no &lt;/s&gt;), unknown runs shown as &lt;unk&gt;.</summary>
    public string[] Tokenize(string text) => ConvertIdsToTokens(Encode(text, addEos: false));

    List<int> EncodeWithoutEos(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        bool dropLeadingUnderline = false;
        if (!Legacy && text.Length > 0)
        {
            // legacy=False: SentencePiece runs without its dummy prefix; T5Tokenizer adds one '▁' to the whole text instead,
            // and keeps a space after an added token by encoding "<unk>" + text and dropping the "<unk>" pieces.
            text = text.Replace(Underline, ' ');
            if (_addPrefixSpace) text = Underline + text;
        }
        foreach (var (part, token) in _splitter.Split(text))
        {
            if (token != null)
            {
                if (ids.Count == 1 && ids[0] == _underlineId && !Legacy && _specialIds.Contains(token.Id)) dropLeadingUnderline = true;
                ids.Add(token.Id);
            }
            else if (Legacy) _encoder.Encode(part, ids);
            else if (part[0] is Underline or ' ')
            {
                var withUnk = new List<int>();
                _encoder.Encode(_unkToken + part, withUnk, addDummyPrefix: false);
                ids.AddRange(withUnk.Count >= _unkPrefixLength ? withUnk.Skip(_unkPrefixLength) : withUnk);
            }
            else _encoder.Encode(part, ids, addDummyPrefix: false);
        }
        if (dropLeadingUnderline) ids.RemoveAt(0);
        return ids;
    }

    /// <summary>
    /// HF's <c>tokenizer(texts, max_length=, truncation=, padding=, pad_to_multiple_of=)</c>: truncation keeps &lt;/s&gt;
    /// as the last id; rows are right-padded with the pad id and masked with 0. Without maxLength, truncation and
    /// Padding.MaxLength use model_max_length.
    /// </summary>
    public BatchEncoding EncodeBatch(IReadOnlyList<string> texts, int? maxLength = null, bool truncation = true,
        Padding padding = Padding.Longest, int? padToMultipleOf = null, bool addEos = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int? limit = maxLength ?? ModelMaxLength;
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), limit, "maxLength must be at least 1");
        if (padToMultipleOf is < 1) throw new ArgumentOutOfRangeException(nameof(padToMultipleOf), padToMultipleOf, "padToMultipleOf must be at least 1");
        var rows = new int[texts.Count][];
        var fullLengths = new int[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var ids = EncodeWithoutEos(texts[i] ?? throw new ArgumentException($"texts[{i}] is null", nameof(texts)));
            bool needsEos = addEos && (ids.Count == 0 || ids[^1] != EosTokenId);
            fullLengths[i] = ids.Count + (needsEos ? 1 : 0);
            if (truncation && limit is int max && fullLengths[i] > max)
            {
                // Like HF: cut the text's ids to leave room for </s>, then add it (unless the cut ids already end with it).
                int room = addEos ? max - 1 : max;
                ids.RemoveRange(room, ids.Count - room);
                needsEos = addEos && (ids.Count == 0 || ids[^1] != EosTokenId);
            }
            if (needsEos) ids.Add(EosTokenId);
            rows[i] = ids.ToArray();
        }

        int target = padding switch
        {
            Padding.Longest => rows.Length == 0 ? 0 : rows.Max(r => r.Length),
            Padding.MaxLength => limit ?? throw new ArgumentException("Padding.MaxLength needs maxLength (the tokenizer has no model_max_length)", nameof(padding)),
            _ => 0,
        };
        if (padding != Padding.DoNotPad && padToMultipleOf is int m && target % m != 0) target = (target / m + 1) * m;

        var inputIds = new long[rows.Length][];
        var mask = new long[rows.Length][];
        for (int i = 0; i < rows.Length; i++)
        {
            int width = padding == Padding.DoNotPad ? rows[i].Length : Math.Max(target, rows[i].Length);
            inputIds[i] = new long[width];
            mask[i] = new long[width];
            for (int j = 0; j < width; j++)
            {
                bool real = j < rows[i].Length;
                inputIds[i][j] = real ? rows[i][j] : PadTokenId;
                mask[i][j] = real ? 1 : 0;
            }
        }
        return new BatchEncoding(inputIds, mask, fullLengths);
    }

    /// <summary>The token string of each id (added tokens by content, others as SentencePiece pieces); an id without a
    /// token is an error here (an explicit look-up), while <see cref="Decode(IEnumerable{int}, bool, bool?)"/> drops it.</summary>
    public string[] ConvertIdsToTokens(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            tokens.Add(IdToToken(id));
        }
        return tokens.ToArray();
    }

    public string[] ConvertIdsToTokens(IEnumerable<long> ids, bool skipSpecialTokens = false) =>
        ConvertIdsToTokens(ids.Select(ToInt), skipSpecialTokens);

    /// <summary>Whether the id has a token: a SentencePiece piece or an added token (ids past len(tokenizer) have none).</summary>
    public bool IsKnownId(int id) => (id >= 0 && id < _model.Count) || _addedById.ContainsKey(id);

    string IdToToken(int id)
    {
        if (_addedById.TryGetValue(id, out var token)) return token.Content;
        if (id < 0 || id >= _model.Count) throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is outside the tokenizer's {Count} ids");
        return _model.Pieces[id];
    }

    /// <summary>
    /// HF's <c>tokenizer.decode(ids, skip_special_tokens, clean_up_tokenization_spaces)</c>; the clean-up default comes
    /// from tokenizer_config.json. Ids the tokenizer has no token for (see <see cref="IsKnownId"/>) give no text, as in
    /// T5TokenizerFast.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var parts = new List<string>();
        var run = new List<string>();
        // A model may emit ids the tokenizer lacks (FLAN-T5: 32,128 output rows, 32,100 ids). T5TokenizerFast — what
        // AutoTokenizer gives and HF's scripts decode with — drops them (tokenizers' decode keeps only ids with a token);
        // the slow T5Tokenizer would raise sentencepiece's IndexError "piece id is out of range". We drop them too.
        foreach (string token in ConvertIdsToTokens(ids.Where(IsKnownId), skipSpecialTokens))
        {
            if (_legacyAddedTokens.Contains(token))
            {
                if (run.Count > 0)
                {
                    string s = _decoder.TokensToString(run);
                    if (s.Length > 0) parts.Add(s);
                    run = new List<string>();
                }
                parts.Add(token);
            }
            else run.Add(token);
        }
        if (run.Count > 0) parts.Add(_decoder.TokensToString(run));
        string text = string.Join(' ', parts);
        return cleanUpTokenizationSpaces ?? CleanUpTokenizationSpaces ? PieceDecoder.CleanUp(text) : text;
    }

    public string Decode(IEnumerable<long> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null) =>
        Decode(ids.Select(ToInt), skipSpecialTokens, cleanUpTokenizationSpaces);

    /// <summary>Decode for each row (e.g. generated sequences).</summary>
    public string[] DecodeBatch(IEnumerable<IEnumerable<long>> rows, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null) =>
        rows.Select(r => Decode(r, skipSpecialTokens, cleanUpTokenizationSpaces)).ToArray();

    static int ToInt(long id) => id is >= int.MinValue and <= int.MaxValue ? (int)id
        : throw new ArgumentOutOfRangeException(nameof(id), id, "token id does not fit in an int");
}
