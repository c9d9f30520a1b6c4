using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;
using static T5Sharp.Tests.Tokenization.TokenizerFixtures;

namespace T5Sharp.Tests.Tokenization;

/// <summary>User mistakes get one clear message naming the file and what was wrong.</summary>
public class TokenizerErrorTests
{
    [Fact]
    public void Missing_folder_is_named()
    {
        var e = Assert.Throws<TokenizerException>(() => T5Tokenizer.FromFolder("/nonexistent/t5-folder"));
        Assert.Contains("/nonexistent/t5-folder", e.Message);
    }

    [Fact]
    public void Folder_without_tokenizer_files_says_what_it_expected()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<TokenizerException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("spiece.model", e.Message);
        Assert.Contains("tokenizer.json", e.Message);
    }

    [Fact]
    public void Corrupt_spiece_model_names_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("spiece.model"), [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        var e = Assert.Throws<TokenizerException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains(dir.File("spiece.model"), e.Message);
    }

    [Fact]
    public void Bad_tokenizer_config_json_names_the_file_and_line()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(SharedPaths.Hf, "tokenizer", "spiece.model"), dir.File("spiece.model"));
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\n  \"legacy\": true,\n  \"eos_token\": \n}");
        var e = Assert.Throws<TokenizerException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("tokenizer_config.json", e.Message);
        Assert.Contains("line 4", e.Message);
    }

    [Fact]
    public void Wrong_config_value_type_names_the_key()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(SharedPaths.Hf, "tokenizer", "spiece.model"), dir.File("spiece.model"));
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"legacy\": \"yes\"}");
        var e = Assert.Throws<TokenizerException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("'legacy'", e.Message);
    }

    [Fact]
    public void Non_unigram_tokenizer_json_is_refused_with_the_type()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}}");
        var e = Assert.Throws<TokenizerException>(() => T5Tokenizer.FromFolder(dir.Path));
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("'BPE'", e.Message);
    }

    [Fact]
    public void Spiece_model_alone_gets_t5_defaults()
    {
        // T5Tokenizer(vocab_file) defaults, which is how the hf fixture folder was written: the same ids result.
        using var dir = new TempDir();
        File.Copy(Path.Combine(SharedPaths.Hf, "tokenizer", "spiece.model"), dir.File("spiece.model"));
        var tok = T5Tokenizer.FromFolder(dir.Path);
        Assert.Equal(1100, tok.Count);
        foreach (var c in Cases.GetProperty("cases").EnumerateArray())
            Assert.Equal(Ints(c.GetProperty("input_ids")), tok.Encode(c.GetProperty("text").GetString()!));
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_rejected_by_an_explicit_lookup()
    {
        // Issue 16: decode no longer rejects them (it drops them, as T5TokenizerFast); the explicit look-up still does.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Small.ConvertIdsToTokens(new[] { 5, 1100 }));
        Assert.Contains("1100", e.Message);
    }
}
