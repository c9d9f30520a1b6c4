using System.Text.Json.Nodes;
using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using TorchSharp;

namespace T5Sharp.Tests.Formats;

public class CheckpointReaderTests
{
    static string HfFolder(string model, string format) => Path.Combine(SharedPaths.Hf, model, format);

    [Theory]
    [InlineData("tiny-flan")]
    [InlineData("tiny-t5v1")]
    public void BothHfFormatsOfAModelReadToTheSameWeights(string model)
    {
        var fromSafe = CheckpointReader.ReadStateDict(HfFolder(model, "safetensors"));
        var fromBin = CheckpointReader.ReadStateDict(HfFolder(model, "pytorch"));
        foreach (var (name, t) in fromSafe) Assert.True(t.bytes.SequenceEqual(fromBin[name].bytes), name);
        Assert.Equal(CheckpointReader.ReadStateDict(Path.Combine(HfFolder(model, "pytorch"), "pytorch_model.bin")).Keys.Order(),
            fromBin.Keys.Order()); // a direct file path reads the same file
    }

    [Fact]
    public void ShardedSafeTensorsFolderReadsBackIdentically()
    {
        using var dir = new TempDir();
        var original = SafeTensors.Load(Path.Combine(HfFolder("tiny-flan", "safetensors"), "model.safetensors"));
        var ordered = original.ToList();
        var shards = ShardedCheckpoint.SaveSafeTensors(dir.Path, ordered, maxShardBytes: 400_000);

        Assert.True(shards.Count > 1);
        Assert.Equal(shards.Select((_, i) => $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors"), shards.Select(s => s.File));
        Assert.False(File.Exists(dir.File("model.safetensors")));
        var index = JsonNode.Parse(File.ReadAllText(dir.File("model.safetensors.index.json")))!;
        Assert.Equal(original.Values.Sum(t => t.numel() * 4), index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.Equal(52, index["weight_map"]!.AsObject().Count);

        var back = CheckpointReader.ReadStateDict(dir.Path, convertTo: null);
        Assert.Equal(original.Keys.Order(), back.Keys.Order());
        foreach (var (name, t) in original) Assert.True(t.bytes.SequenceEqual(back[name].bytes), name);
    }

    [Fact]
    public void ShardedPyTorchFolderIsReadThroughItsIndex()
    {
        using var dir = new TempDir();
        new TorchZipBuilder().Storage("0", PyTorchCheckpointTests.FloatBytes([1, 2]))
            .Tensor("a", "FloatStorage", "0", 2, 0, [2], [1]).Write(dir.File("pytorch_model-00001-of-00002.bin"), "pytorch_model-00001-of-00002");
        new TorchZipBuilder().Storage("0", PyTorchCheckpointTests.FloatBytes([3]))
            .Tensor("b", "FloatStorage", "0", 1, 0, [1], [1]).Write(dir.File("pytorch_model-00002-of-00002.bin"), "pytorch_model-00002-of-00002");
        File.WriteAllText(dir.File("pytorch_model.bin.index.json"),
            """{"metadata": {"total_size": 12}, "weight_map": {"a": "pytorch_model-00001-of-00002.bin", "b": "pytorch_model-00002-of-00002.bin"}}""");
        var t = CheckpointReader.ReadStateDict(dir.Path);
        Assert.Equal(new float[] { 1, 2 }, t["a"].data<float>().ToArray());
        Assert.Equal(new float[] { 3 }, t["b"].data<float>().ToArray());
    }

    [Fact]
    public void IndexProblemsNameTheIndexAndTheShardOrKey()
    {
        using var dir = new TempDir();
        new TorchZipBuilder().Storage("0", PyTorchCheckpointTests.FloatBytes([1])).Tensor("a", "FloatStorage", "0", 1, 0, [1], [1])
            .Write(dir.File("one.bin"));
        string index = dir.File("pytorch_model.bin.index.json");

        File.WriteAllText(index, """{"weight_map": {"a": "one.bin", "z": "one.bin"}}""");
        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(dir.Path));
        Assert.Equal($"{index}: weight_map puts 'z' in 'one.bin', but that shard has no such tensor", e.Message);

        File.WriteAllText(index, """{"weight_map": {"a": "two.bin"}}""");
        e = Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(dir.Path));
        Assert.Contains("two.bin", e.Message);
        Assert.StartsWith(index, e.Message);

        File.WriteAllText(index, """{"metadata": {}}""");
        e = Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(dir.Path));
        Assert.Equal($"{index}: missing key 'weight_map' (expected an object of tensor name → shard file)", e.Message);
    }

    [Fact]
    public void SafeTensorsFilesInHalfPrecisionConvertToFloat32()
    {
        using var dir = new TempDir();
        var original = SafeTensors.Load(Path.Combine(HfFolder("tiny-flan", "safetensors"), "model.safetensors"));
        foreach (var dtype in new[] { torch.ScalarType.Float16, torch.ScalarType.BFloat16 })
        {
            var half = original.ToDictionary(kv => kv.Key, kv => kv.Value.to(dtype));
            SafeTensors.Save(dir.File("model.safetensors"), half);
            var kept = CheckpointReader.ReadStateDict(dir.Path, convertTo: null);
            Assert.All(kept.Values, t => Assert.Equal(dtype, t.dtype));
            var f32 = CheckpointReader.ReadStateDict(dir.Path);
            // float16 keeps 11 significant bits, bfloat16 8: relative rounding error at most 2^-11 / 2^-8 (f16 subnormals aside).
            double rel = dtype == torch.ScalarType.Float16 ? Math.Pow(2, -11) : Math.Pow(2, -8);
            foreach (var (name, t) in f32)
            {
                Assert.Equal(torch.ScalarType.Float32, t.dtype);
                var a = original[name].data<float>().ToArray();
                var b = t.data<float>().ToArray();
                for (int i = 0; i < a.Length; i++)
                    Assert.True(Math.Abs(a[i] - b[i]) <= rel * Math.Abs(a[i]) + 6e-8, $"{dtype} {name}[{i}]: {a[i]} vs {b[i]}");
            }
        }
    }

    [Fact]
    public void MissingFolderAndFolderWithoutWeightsAreNamed()
    {
        using var dir = new TempDir();
        string missing = dir.File("no-such-model");
        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(missing));
        Assert.Equal($"{missing}: no such model folder or weights file", e.Message);

        e = Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(dir.Path));
        Assert.Equal($"{dir.Path}: no model weights found; looked for model.safetensors, model.safetensors.index.json, " +
                     "pytorch_model.bin, pytorch_model.bin.index.json", e.Message);
    }
}
