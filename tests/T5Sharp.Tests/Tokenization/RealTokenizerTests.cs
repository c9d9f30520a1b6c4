using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;
using static T5Sharp.Tests.Tokenization.TokenizerFixtures;

namespace T5Sharp.Tests.Tokenization;

/// <summary>The real FLAN-T5 tokenizer against fixtures/hf2 (HF's slow T5Tokenizer on real DialogSum/SAMSum text).</summary>
public class RealTokenizerTests
{
    [Fact]
    public void Special_ids_and_length_are_flans()
    {
        Assert.Equal(32100, Real.Count);
        Assert.Equal((0, 1, 2), (Real.PadTokenId, Real.EosTokenId, Real.UnkTokenId));
        Assert.Equal(new[] { 32099, 32000, 1 }, Real.Encode("<extra_id_0><extra_id_99>"));
        Assert.False(Real.CleanUpTokenizationSpaces);
        Assert.Equal(512, Real.ModelMaxLength);
        Assert.True(Real.Legacy);
    }

    [Fact]
    public void All_1400_real_texts_give_hf_input_ids()
    {
        int n = 0;
        foreach (var e in RealEntries.EnumerateArray())
        {
            string text = e.GetProperty("text").GetString()!;
            int[] expected = Ints(e.GetProperty("input_ids"));
            int[] actual = Real.Encode(text);
            if (!expected.SequenceEqual(actual))
                Assert.Fail($"{e.GetProperty("source")}[{e.GetProperty("index")}].{e.GetProperty("field")}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
            n++;
        }
        Assert.Equal(1400, n);
    }

    [Fact]
    public void Tie_break_strings_follow_sentencepiece_whole_text_viterbi()
    {
        // The 11 entries where the per-line CLI orders tied pieces differently; T5Tokenizer (and we) encode the whole text.
        int checkedCount = 0;
        foreach (var e in RealEntries.EnumerateArray())
        {
            if (e.GetProperty("relation").GetString() != "same_ids_other_order") continue;
            Assert.Equal(Ints(e.GetProperty("input_ids")), Real.Encode(e.GetProperty("text").GetString()!));
            Assert.NotEqual(Ints(e.GetProperty("spm_encode_ids")).Append(1), Real.Encode(e.GetProperty("text").GetString()!));
            checkedCount++;
        }
        Assert.Equal(11, checkedCount);
        Assert.Equal(new[] { 454, 635, 51, 1 }, Real.Encode("Hmmm"));  // ▁H mm m, as spm_encode prints it
    }

    [Fact]
    public void Tokenizer_json_alone_gives_the_same_ids_as_spiece_model()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(SharedPaths.RealTokenizer, "tokenizer.json"), dir.File("tokenizer.json"));
        var fromJson = T5Tokenizer.FromFolder(dir.Path);
        Assert.Equal(32100, fromJson.Count);
        Assert.Equal(32000, fromJson.SentencePieceCount);
        foreach (var e in RealEntries.EnumerateArray())
        {
            string text = e.GetProperty("text").GetString()!;
            Assert.Equal(Ints(e.GetProperty("input_ids")), fromJson.Encode(text));
        }
        foreach (var c in Cases.GetProperty("cases").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            Assert.Equal(Real.Encode(text), fromJson.Encode(text));
        }
    }

    [Fact]
    public void Generated_sequences_decode_like_hf()
    {
        var runs = Load(Path.Combine(SharedPaths.Hf2, "generate_32k.json")).GetProperty("runs");
        int rows = 0;
        foreach (var run in runs.EnumerateArray())
        {
            var sequences = run.GetProperty("sequences").EnumerateArray().Select(Longs).ToArray();
            var skip = Strings(run.GetProperty("decoded_skip_special"));
            var keep = Strings(run.GetProperty("decoded_keep_special"));
            Assert.Equal(skip, Real.DecodeBatch(sequences, skipSpecialTokens: true));
            Assert.Equal(keep, Real.DecodeBatch(sequences));
            rows += sequences.Length;
        }
        Assert.True(rows >= 24, $"only {rows} generated rows in the fixture");
    }

    [Fact]
    public void Prompted_batch_with_truncation_at_128_matches_hf()
    {
        var batch = Load(Path.Combine(SharedPaths.Hf2, "tiny-flan-32k.reference", "reference.json")).GetProperty("batch");
        var sources = Strings(batch.GetProperty("source_texts"));
        var enc = Real.EncodeBatch(sources, maxLength: 128, truncation: true, padding: Padding.Longest);
        Assert.Equal(batch.GetProperty("input_ids").EnumerateArray().Select(Longs), enc.InputIds);
        Assert.Equal(batch.GetProperty("attention_mask").EnumerateArray().Select(Longs), enc.AttentionMask);
        Assert.Equal(1, enc.TruncatedCount);  // the first dialogue (360 tokens) was cut to 128
        Assert.Equal(1L, enc.InputIds[0][127]);

        var labels = Real.EncodeBatch(Strings(batch.GetProperty("label_texts")), maxLength: 48, truncation: true, padding: Padding.DoNotPad);
        Assert.Equal(Ints(batch.GetProperty("label_lengths")), labels.InputIds.Select(r => r.Length));
        var expectedLabels = batch.GetProperty("labels").EnumerateArray().Select(Longs).ToArray();
        for (int i = 0; i < expectedLabels.Length; i++)
            Assert.Equal(expectedLabels[i].Where(id => id != -100), labels.InputIds[i]);
    }
}
