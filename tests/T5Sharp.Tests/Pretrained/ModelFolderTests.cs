using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using TorchSharp;

namespace T5Sharp.Tests.Pretrained;

public class ModelFolderTests
{
    static string Tiny32k => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    public static TheoryData<string> ConfigFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(SharedPaths.Fixtures, "config.json", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(SharedPaths.Shared, f));
        data.Add(Path.GetRelativePath(SharedPaths.Shared, Path.Combine(SharedPaths.RealTokenizer, "config.json")));
        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void ConfigRoundTripsEveryKeyThroughAModelFolder(string relative)
    {
        string path = Path.Combine(SharedPaths.Shared, relative);
        using var dir = new TempDir();
        using var w = torch.zeros(1); // float32 weights: the files' torch_dtype "float32" is what Save records
        ModelFolder.Save(dir.Path, T5Config.Load(path), [KeyValuePair.Create("x", w)]);
        var again = T5Config.Load(dir.File("config.json"));
        ModelFolder.Save(dir.Path, again, [KeyValuePair.Create("x", w)]);
        AssertSameJson(JsonNode.Parse(File.ReadAllText(path))!, JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!, relative);
    }

    [Fact]
    public void RealFlanConfigKeepsKeysT5SharpDoesNotModel()
    {
        var config = T5Config.Load(Path.Combine(SharedPaths.RealTokenizer, "config.json"));
        Assert.True(config.Extra.ContainsKey("output_past"));
        Assert.Equal(512, config.Extra["n_positions"].GetInt32());
    }

    [Theory]
    [InlineData("tiny-flan", 52)]
    [InlineData("tiny-t5v1", 55)]
    public void SavedFolderMatchesWhatTransformersWrote(string model, int tensorCount)
    {
        string hf = Path.Combine(SharedPaths.Hf, model, "safetensors");
        var stateDict = CheckpointReader.ReadStateDict(Path.Combine(SharedPaths.Hf, model, "pytorch")); // with the tied copies
        using var dir = new TempDir();
        ModelFolder.Save(dir.Path, T5Config.Load(Path.Combine(hf, "config.json")), stateDict,
            tokenizerSourceDir: Path.Combine(SharedPaths.Hf, "tokenizer"));

        Assert.Equal(new[] { "added_tokens.json", "config.json", "generation_config.json", "model.safetensors",
                "special_tokens_map.json", "spiece.model", "tokenizer_config.json" },
            Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order());
        foreach (var name in new[] { "config.json", "generation_config.json" })
            AssertSameJson(JsonNode.Parse(File.ReadAllText(Path.Combine(hf, name)))!,
                JsonNode.Parse(File.ReadAllText(dir.File(name)))!, name);
        foreach (var name in new[] { "added_tokens.json", "special_tokens_map.json", "spiece.model", "tokenizer_config.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(SharedPaths.Hf, "tokenizer", name)), File.ReadAllBytes(dir.File(name)));

        // the tied copies are dropped as transformers drops them; every stored tensor is bit-identical to HF's file
        var expected = SafeTensors.Load(Path.Combine(hf, "model.safetensors"));
        var written = SafeTensors.Load(dir.File("model.safetensors"));
        Assert.Equal(tensorCount, written.Count);
        Assert.Equal(expected.Keys.Order(), written.Keys.Order());
        foreach (var (name, t) in expected) Assert.True(t.bytes.SequenceEqual(written[name].bytes), name);
        Assert.Equal("pt", SafeTensors.ReadHeader(dir.File("model.safetensors")).Metadata["format"]);
        // all-F32 tensors in name order, compact header with metadata first: the very bytes the Python library wrote
        Assert.True(File.ReadAllBytes(Path.Combine(hf, "model.safetensors")).SequenceEqual(File.ReadAllBytes(dir.File("model.safetensors"))));
    }

    [Fact]
    public void FolderWithHfFileNamesRoundTripsAndShardsReplaceEachOther()
    {
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "tiny-flan-32k.reference", "reference.json")))!;
        var savedFiles = reference["saved_files"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var original = CheckpointReader.ReadStateDict(Tiny32k);
        var config = T5Config.Load(Path.Combine(Tiny32k, "config.json"));
        using var dir = new TempDir();

        ModelFolder.Save(dir.Path, config, original, tokenizerSourceDir: Tiny32k);
        Assert.Equal(savedFiles.Order(), Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order());
        AssertBitIdentical(original, CheckpointReader.ReadStateDict(dir.Path));

        ModelFolder.Save(dir.Path, config, original, tokenizerSourceDir: Tiny32k, maxShardBytes: 6_000_000);
        var names = Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("model.safetensors", names);
        Assert.Contains("model.safetensors.index.json", names);
        Assert.Contains("model-00001-of-00003.safetensors", names); // shared 8.2 MB, lm_head 8.2 MB, the rest
        AssertBitIdentical(original, CheckpointReader.ReadStateDict(dir.Path));

        ModelFolder.Save(dir.Path, config, original, tokenizerSourceDir: Tiny32k);
        Assert.Equal(savedFiles.Order(), Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void DescribeReadsHeadersOnly()
    {
        var d = ModelFolder.Describe(Tiny32k);
        Assert.Equal(17245848, d.Files.Single(f => f.Name == "model.safetensors").Bytes); // sizes from the hf2 README
        Assert.Equal(791656, d.Files.Single(f => f.Name == "spiece.model").Bytes);
        Assert.Equal("model.safetensors", d.WeightsFile);
        Assert.Equal(d.TensorCount, d.TensorsPerDType[torch.ScalarType.Float32]);
        Assert.Equal(32128, d.Config!.VocabSize);

        // peft's lora_reference: all_parameters - trainable_parameters = the base model's 345088 parameters.
        var flanBin = ModelFolder.Describe(Path.Combine(SharedPaths.Hf, "tiny-flan", "pytorch"));
        var flanSafe = ModelFolder.Describe(Path.Combine(SharedPaths.Hf, "tiny-flan", "safetensors"));
        Assert.Equal((54, 345088L), (flanBin.TensorCount, flanBin.ParameterCount));
        Assert.Equal((52, 345088L), (flanSafe.TensorCount, flanSafe.ParameterCount));
        Assert.Equal("pytorch_model.bin", flanBin.WeightsFile);
    }

    [Fact]
    public void MissingFoldersAreNamed()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope");
        Assert.Equal($"{missing}: model folder not found", Assert.Throws<CheckpointException>(() => ModelFolder.Describe(missing)).Message);
        using var w = torch.zeros(1);
        var e = Assert.Throws<CheckpointException>(() =>
            ModelFolder.Save(dir.File("out"), new T5Config(), [KeyValuePair.Create("x", w)], tokenizerSourceDir: missing));
        Assert.Equal($"{missing}: tokenizer folder not found", e.Message);
    }

    static void AssertBitIdentical(Dictionary<string, torch.Tensor> expected, Dictionary<string, torch.Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, t) in expected) Assert.True(t.bytes.SequenceEqual(actual[name].bytes), name);
    }

    /// <summary>Same keys, same values; numbers compared by value (Python writes 1e-06 where .NET writes 1E-06).</summary>
    static void AssertSameJson(JsonNode expected, JsonNode actual, string where)
    {
        switch (expected)
        {
            case JsonObject o:
                var a = Assert.IsType<JsonObject>(actual);
                Assert.Equal(o.Select(kv => kv.Key).Order(), a.Select(kv => kv.Key).Order());
                foreach (var (k, v) in o) AssertSameJson(v!, a[k]!, $"{where}.{k}");
                break;
            case JsonArray arr:
                var b = Assert.IsType<JsonArray>(actual);
                Assert.Equal(arr.Count, b.Count);
                for (int i = 0; i < arr.Count; i++) AssertSameJson(arr[i]!, b[i]!, $"{where}[{i}]");
                break;
            default:
                var ev = (JsonValue)expected;
                if (ev.GetValueKind() == JsonValueKind.Number)
                    Assert.True(ev.GetValue<double>() == actual.GetValue<double>(), $"{where}: {ev} vs {actual}");
                else
                    Assert.True(JsonNode.DeepEquals(expected, actual), $"{where}: {expected.ToJsonString()} vs {actual.ToJsonString()}");
                break;
        }
    }
}
