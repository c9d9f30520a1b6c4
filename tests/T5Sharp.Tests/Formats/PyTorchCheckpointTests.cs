using System.Text;
using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using TorchSharp;

namespace T5Sharp.Tests.Formats;

public class PyTorchCheckpointTests
{
    static string Bin(string model) => Path.Combine(SharedPaths.Hf, model, "pytorch", "pytorch_model.bin");
    static string SafeTensorsFile(string model) => Path.Combine(SharedPaths.Hf, model, "safetensors", "model.safetensors");

    [Theory]
    [InlineData("tiny-flan", 54, 52, new[] { "encoder.embed_tokens.weight", "decoder.embed_tokens.weight" })]
    [InlineData("tiny-t5v1", 58, 55, new[] { "encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight" })]
    public void BinHoldsExactlyTheSafeTensorsWeightsPlusTiedCopies(string model, int binKeys, int safeKeys, string[] tiedCopies)
    {
        var bin = PyTorchCheckpoint.Load(Bin(model));
        var safe = SafeTensors.Load(SafeTensorsFile(model));
        Assert.Equal(binKeys, bin.Count);
        Assert.Equal(safeKeys, safe.Count);
        Assert.Equal(safe.Keys.Concat(tiedCopies).Order(), bin.Keys.Order());
        foreach (var (name, expected) in safe)
        {
            Assert.Equal(torch.ScalarType.Float32, bin[name].dtype);
            Assert.Equal(expected.shape, bin[name].shape);
            Assert.True(expected.bytes.SequenceEqual(bin[name].bytes), $"{model}: {name} differs");
        }
        var shared = safe["shared.weight"].bytes.ToArray();
        foreach (var name in tiedCopies) Assert.True(shared.SequenceEqual(bin[name].bytes.ToArray()), name);
    }

    [Fact]
    public void HeaderListsNamesDtypesAndShapesInFileOrder()
    {
        var header = PyTorchCheckpoint.ReadHeader(Bin("tiny-t5v1"));
        var safe = SafeTensors.ReadHeader(SafeTensorsFile("tiny-t5v1")).Entries.ToDictionary(e => e.Name);
        Assert.Equal(58, header.Count);
        Assert.Equal("shared.weight", header[0].Name); // the pickle's first entry (see pickletools listing)
        Assert.Equal("encoder.embed_tokens.weight", header[1].Name);
        foreach (var t in header.Where(t => safe.ContainsKey(t.Name)))
        {
            Assert.Equal(safe[t.Name].Shape, t.Shape);
            Assert.Equal(torch.ScalarType.Float32, t.DType);
        }
    }

    [Theory]
    // GLOBAL posix.system, then REDUCE with ('ls',): what a pickle exploit looks like (protocol 2).
    [InlineData("80 02 63 706f7369780a73797374656d0a 71 00 58 02000000 6c73 85 52 2e", "posix.system")]
    // protocol 4 spelling: SHORT_BINUNICODE 'builtins' 'eval', STACK_GLOBAL, then a call.
    [InlineData("80 04 95 20000000 00000000 8c 08 6275696c74696e73 94 8c 04 6576616c 94 93 94 8c 02 3130 85 52 2e", "builtins.eval")]
    // a global smuggled inside an otherwise normal state dict entry.
    [InlineData("80 02 7d 28 58 01000000 61 63 6f730a73797374656d0a 29 52 75 2e", "os.system")]
    public void PicklesReferencingOtherGlobalsAreRefused(string hex, string global)
    {
        using var dir = new TempDir();
        string path = dir.File("pytorch_model.bin");
        TorchZipBuilder.WriteRaw(path, Convert.FromHexString(hex.Replace(" ", "")));
        var e = Assert.Throws<CheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.Equal($"refusing to load {path}: it references '{global}'; only tensor data is read", e.Message);
        Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(dir.Path));
    }

    [Fact]
    public void StateDictAttributesSetByBuildAreNotEntries()
    {
        using var dir = new TempDir();
        string path = dir.File("pytorch_model.bin");
        // CPython's pickle.dumps(od, protocol=2) of an empty OrderedDict carrying `_metadata` as module.state_dict() does:
        // REDUCE(OrderedDict, ()), then BUILD with {'_metadata': OrderedDict({'': {'version': 1}, 'encoder': {'version': 1}})}.
        TorchZipBuilder.WriteRaw(path, Convert.FromHexString(
            "800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271017d710258090000005f6d65746164617461710368002952710428" +
            "580000000071057d7106580700000076657273696f6e71074b01735807000000656e636f64657271087d710968074b01737573622e"));
        Assert.Empty(PyTorchCheckpoint.Load(path));
    }

    [Fact]
    public void NonTensorEntriesAreReportedByKey()
    {
        using var dir = new TempDir();
        string path = dir.File("pytorch_model.bin");
        TorchZipBuilder.WriteRaw(path, Convert.FromHexString("80027d710058040000007374657071014b03732e")); // pickle.dumps({'step': 3}, protocol=2)
        var e = Assert.Throws<CheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.Equal($"{path}: expected a flat state dict of name → tensor, but key 'step' holds a Python int, not a tensor", e.Message);
    }

    [Fact]
    public void LegacyNonZipTorchFileIsRefusedWithAClearMessage()
    {
        using var dir = new TempDir();
        string path = dir.File("pytorch_model.bin");
        // torch < 1.6 files begin with a pickled magic number (0x1950a86a20f9469cfc6c), not with a zip header.
        File.WriteAllBytes(path, Convert.FromHexString("80028A0A6CFC9C46F9206AA850192E"));
        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.ReadStateDict(dir.Path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("torch < 1.6", e.Message);
    }

    [Fact]
    public void StorageOffsetSizeAndStrideAreHonoured()
    {
        using var dir = new TempDir();
        string path = dir.File("strided.bin");
        var storage = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        new TorchZipBuilder()
            .Storage("0", FloatBytes(storage))
            // a transposed view starting at element 2: t[i, j] = storage[2 + i*1 + j*2]
            .Tensor("transposed", "FloatStorage", "0", 12, 2, [2, 3], [1, 2])
            .Tensor("whole", "FloatStorage", "0", 12, 0, [3, 4], [4, 1])
            .Tensor("tail_row", "FloatStorage", "0", 12, 8, [4], [1])
            .Tensor("scalar", "FloatStorage", "0", 12, 5, [], [])
            .Write(path);
        var t = PyTorchCheckpoint.Load(path);
        Assert.Equal(new float[] { 2, 4, 6, 3, 5, 7 }, t["transposed"].data<float>().ToArray());
        Assert.Equal(new long[] { 2, 3 }, t["transposed"].shape);
        Assert.True(t["transposed"].is_contiguous());
        Assert.Equal(storage, t["whole"].data<float>().ToArray());
        Assert.Equal(new float[] { 8, 9, 10, 11 }, t["tail_row"].data<float>().ToArray());
        Assert.Equal(5f, t["scalar"].item<float>());
        Assert.Empty(t["scalar"].shape);
    }

    [Fact]
    public void ViewPastTheEndOfItsStorageNamesTheTensor()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.bin");
        new TorchZipBuilder().Storage("0", FloatBytes(new float[4])).Tensor("w", "FloatStorage", "0", 4, 2, [3], [1]).Write(path);
        var e = Assert.Throws<CheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.Contains("'w'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void HalfAndBFloat16StoragesKeepTheirDtypeOrConvertToFloat32()
    {
        using var dir = new TempDir();
        string path = dir.File("pytorch_model.bin");
        // IEEE bit patterns of 1.5, -2.25, 0.5: float16 3E00 C080 3800, bfloat16 3FC0 C010 3F00 (little-endian bytes).
        new TorchZipBuilder()
            .Storage("0", Convert.FromHexString("003E80C00038"))
            .Storage("1", Convert.FromHexString("C03F10C0003F"))
            .Storage("2", BitConverter.GetBytes(7L))
            .Tensor("h", "HalfStorage", "0", 3, 0, [3], [1])
            .Tensor("b", "BFloat16Storage", "1", 3, 0, [3], [1])
            .Tensor("step", "LongStorage", "2", 1, 0, [], [])
            .Write(path);

        var kept = CheckpointReader.ReadStateDict(dir.Path, convertTo: null);
        Assert.Equal(torch.ScalarType.Float16, kept["h"].dtype);
        Assert.Equal(torch.ScalarType.BFloat16, kept["b"].dtype);

        var f32 = CheckpointReader.ReadStateDict(dir.Path);
        Assert.Equal(new[] { 1.5f, -2.25f, 0.5f }, f32["h"].data<float>().ToArray());
        Assert.Equal(new[] { 1.5f, -2.25f, 0.5f }, f32["b"].data<float>().ToArray());
        Assert.Equal(torch.ScalarType.Int64, f32["step"].dtype); // integers are never converted
        Assert.Equal(7L, f32["step"].item<long>());
    }

    [Fact]
    public void MissingStorageEntryIsNamed()
    {
        using var dir = new TempDir();
        string path = dir.File("m.bin");
        new TorchZipBuilder().Tensor("w", "FloatStorage", "9", 4, 0, [4], [1]).Write(path);
        var e = Assert.Throws<CheckpointException>(() => PyTorchCheckpoint.Load(path));
        Assert.Contains("archive/data/9", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    internal static byte[] FloatBytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
