using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;
using static T5Sharp.Tests.Tokenization.TokenizerFixtures;

namespace T5Sharp.Tests.Tokenization;

/// <summary>Every case of fixtures/hf/tokenizer_cases.json (HF's slow T5Tokenizer on the 1100-id vocabulary), exact.</summary>
public class HfTokenizerCasesTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void Fixture_has_the_45_cases_the_readme_promises() => Assert.Equal(45, CaseNames().Count);

    [Theory, MemberData(nameof(CaseNames))]
    public void Input_ids_and_tokens_match_hf(string name)
    {
        var c = Case(name);
        string text = c.GetProperty("text").GetString()!;
        int[] ids = Small.Encode(text);
        Assert.Equal(Ints(c.GetProperty("input_ids")), ids);
        Assert.Equal(Strings(c.GetProperty("tokens")), Small.ConvertIdsToTokens(ids));
    }

    [Theory, MemberData(nameof(CaseNames))]
    public void Raw_sentencepiece_ids_match(string name)
    {
        // sp_encode_ids: SentencePiece alone on the whole text (no added-token splitting, no eos).
        var c = Case(name);
        var encoder = new UnigramEncoder(SentencePieceModel.Load(Path.Combine(SharedPaths.Hf, "tokenizer", "spiece.model")));
        var ids = new List<int>();
        encoder.Encode(c.GetProperty("text").GetString()!, ids);
        Assert.Equal(Ints(c.GetProperty("sp_encode_ids")), ids);
    }

    [Theory, MemberData(nameof(CaseNames))]
    public void Decodes_match_hf(string name)
    {
        var c = Case(name);
        int[] ids = Ints(c.GetProperty("input_ids"));
        Assert.Equal(c.GetProperty("decoded_skip_special").GetString(), Small.Decode(ids, skipSpecialTokens: true));
        Assert.Equal(c.GetProperty("decoded_skip_special_no_cleanup").GetString(), Small.Decode(ids, skipSpecialTokens: true, cleanUpTokenizationSpaces: false));
        Assert.Equal(c.GetProperty("decoded_keep_special").GetString(), Small.Decode(ids));
    }

    [Theory, MemberData(nameof(CaseNames))]
    public void Legacy_false_ids_match_hf(string name)
    {
        var c = Case(name);
        Assert.Equal(Ints(c.GetProperty("input_ids_legacy_false")), SmallNonLegacy.Encode(c.GetProperty("text").GetString()!));
    }

    [Fact]
    public void Special_ids_and_length_match_hf()
    {
        Assert.Equal(1100, Cases.GetProperty("len_tokenizer").GetInt32());
        Assert.Equal(1100, Small.Count);
        Assert.Equal(1000, Small.SentencePieceCount);
        Assert.Equal((0, 1, 2), (Small.PadTokenId, Small.EosTokenId, Small.UnkTokenId));
        Assert.Equal(new[] { 1099, 1000 }, Small.Encode("<extra_id_0><extra_id_99>", addEos: false));
        Assert.True(Small.CleanUpTokenizationSpaces);
        Assert.Null(Small.ModelMaxLength);  // 1e30 in the config: no limit
    }

    [Fact]
    public void Mixed_ids_decode_like_hf()
    {
        var d = Cases.GetProperty("decode_mixed_ids");
        long[] ids = Longs(d.GetProperty("ids"));
        Assert.Equal(d.GetProperty("skip_special").GetString(), Small.Decode(ids, skipSpecialTokens: true));
        Assert.Equal(d.GetProperty("keep_special").GetString(), Small.Decode(ids));
    }

    [Fact]
    public void Batch_padding_longest_matches_hf()
    {
        var b = Cases.GetProperty("batch");
        string[] texts = Strings(b.GetProperty("texts"));
        var enc = Small.EncodeBatch(texts, padding: Padding.Longest);
        var expected = b.GetProperty("padding_longest");
        Assert.Equal(expected.GetProperty("input_ids").EnumerateArray().Select(Longs), enc.InputIds);
        Assert.Equal(expected.GetProperty("attention_mask").EnumerateArray().Select(Longs), enc.AttentionMask);
        Assert.Equal(0, enc.TruncatedCount);
    }

    [Fact]
    public void Batch_max_length_16_with_truncation_matches_hf_and_keeps_eos_last()
    {
        var b = Cases.GetProperty("batch");
        string[] texts = Strings(b.GetProperty("texts"));
        var enc = Small.EncodeBatch(texts, maxLength: 16, truncation: true, padding: Padding.MaxLength);
        var expected = b.GetProperty("padding_max_length16_truncation");
        Assert.Equal(expected.GetProperty("input_ids").EnumerateArray().Select(Longs), enc.InputIds);
        Assert.Equal(expected.GetProperty("attention_mask").EnumerateArray().Select(Longs), enc.AttentionMask);
        // Untruncated lengths are the full encodings; rows 1 and 3 were cut.
        Assert.Equal(texts.Select(t => Small.Encode(t).Length), enc.UntruncatedLengths);
        Assert.Equal(2, enc.TruncatedCount);
    }

    [Fact]
    public void Text_target_labels_match_hf()
    {
        var b = Cases.GetProperty("batch");
        string[] texts = Strings(b.GetProperty("texts"));
        var labels = b.GetProperty("text_target_labels").EnumerateArray().Select(Ints).ToArray();
        for (int i = 0; i < labels.Length; i++) Assert.Equal(labels[i], Small.Encode(texts[i]));
    }

    [Fact]
    public void Pad_to_multiple_of_rounds_the_padded_width_up()
    {
        var enc = Small.EncodeBatch(new[] { "Hello world", "a" }, padToMultipleOf: 8);
        Assert.Equal(new long[] { 3, 995, 11, 28, 171, 570, 1, 0 }, enc.InputIds[0]);   // 7 ids (fixture "simple") → 8
        Assert.Equal(new long[] { 10, 1, 0, 0, 0, 0, 0, 0 }, enc.InputIds[1]);          // fixture "single_char"
        Assert.Equal(new long[] { 1, 1, 0, 0, 0, 0, 0, 0 }, enc.AttentionMask[1]);
        var ragged = Small.EncodeBatch(new[] { "Hello world", "a" }, padding: Padding.DoNotPad);
        Assert.Equal(new[] { 7, 2 }, ragged.InputIds.Select(r => r.Length));
    }
}
