using static T5Sharp.Tests.Tokenization.TokenizerFixtures;

namespace T5Sharp.Tests.Tokenization;

/// <summary>
/// Issue 16, item 1: FLAN-T5's model has 32,128 output rows and its tokenizer 32,100 ids, so a lightly trained model can
/// emit 32100..32127. T5TokenizerFast (tokenizers' decode keeps only ids that have a token) drops them; so do we.
/// </summary>
public class OutOfVocabularyDecodeTests
{
    [Fact]
    public void Ids_past_the_tokenizer_decode_to_nothing_as_in_the_fast_tokenizer()
    {
        int[] ids = Real.Encode("Hannah: Hey, do you have Betty's number?");
        var withOov = new List<int> { 32101 };
        foreach (int id in ids) { withOov.Add(id); withOov.Add(32127); }
        foreach (bool skip in new[] { true, false })
            Assert.Equal(Real.Decode(ids, skipSpecialTokens: skip), Real.Decode(withOov, skipSpecialTokens: skip));
        Assert.Equal("Hannah: Hey, do you have Betty's number?", Real.Decode(withOov, skipSpecialTokens: true));
        Assert.Equal("", Real.Decode(new[] { 32100, 32120, 32127 }, skipSpecialTokens: true));
        Assert.False(Real.IsKnownId(32100));
        Assert.True(Real.IsKnownId(32099)); // <extra_id_0>, an added token past the SentencePiece ids
        Assert.True(Real.IsKnownId(0));
    }

    [Fact]
    public void Batch_decode_of_generated_rows_with_oov_ids_does_not_throw()
    {
        var rows = new[] { new long[] { 0, 32110, 1 }, new long[] { 0, 8, 32127, 1 } };
        Assert.Equal(new[] { "", Real.Decode(new[] { 8 }, skipSpecialTokens: true) }, Real.DecodeBatch(rows, skipSpecialTokens: true));
    }
}
