using T5Sharp.Formats;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Pretrained;

public class PretrainedT5Tests
{
    static string Hf2Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    [Fact]
    public void SavedFolderReadsBackBitIdentically()
    {
        using var original = PretrainedT5.Load(Hf2Model);
        using var dir = new TempDir();
        original.Save(dir.Path);
        using var again = PretrainedT5.Load(dir.Path);

        var a = original.Model.state_dict();
        var b = again.Model.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, tensor) in a)
            Assert.True(tensor.bytes.SequenceEqual(b[name].bytes), name);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Hf2Model, "model.safetensors")), File.ReadAllBytes(dir.File("model.safetensors")));
        Assert.Equal(original.GenerationConfigJson, File.ReadAllText(dir.File("generation_config.json")));
        string text = "Summarize: #Person1#: Hi! <extra_id_0>";
        Assert.Equal(original.Tokenizer.Encode(text), again.Tokenizer.Encode(text));
    }

    [Fact]
    public void ATokenizerLargerThanTheModelsVocabularyIsRefusedAtLoad()
    {
        // a 1,152-row model (the tiny fixture) beside FLAN-T5's 32,100-token tokenizer: without the check the first id
        // past the table fails inside libtorch's embedding, with a stack trace, mid-run
        using var dir = new TempDir();
        foreach (var file in Directory.GetFiles(Path.Combine(SharedPaths.Hf, "tiny-flan", "safetensors")))
            File.Copy(file, dir.File(Path.GetFileName(file)));
        foreach (var name in new[] { "spiece.model", "tokenizer_config.json", "special_tokens_map.json" })
            File.Copy(Path.Combine(Hf2Model, name), dir.File(name));
        var e = Assert.Throws<CheckpointException>(() => PretrainedT5.Load(dir.Path));
        Assert.Contains("vocab_size is 1152", e.Message);
        Assert.Contains("32100 tokens", e.Message);
    }

    [Fact]
    public void MissingFolderAndMissingWeightsAreNamed()
    {
        var e = Assert.Throws<CheckpointException>(() => PretrainedT5.Load("/no/such/model"));
        Assert.Equal("/no/such/model: model folder not found", e.Message);

        using var dir = new TempDir();
        foreach (var name in new[] { "config.json", "spiece.model", "tokenizer_config.json", "special_tokens_map.json" })
            File.Copy(Path.Combine(Hf2Model, name), dir.File(name));
        var missing = Assert.Throws<CheckpointException>(() => PretrainedT5.Load(dir.Path));
        Assert.Contains(dir.Path, missing.Message);
        Assert.Contains("model.safetensors", missing.Message);
    }
}
