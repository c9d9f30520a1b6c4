using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using TorchSharp;

namespace T5Sharp.Tests.Formats;

public class SafeTensorsTests
{
    static string TinyFlan => Path.Combine(SharedPaths.Hf, "tiny-flan", "safetensors", "model.safetensors");

    [Fact]
    public void ReadsHfFileAndWritesItBackBitIdentically()
    {
        var tensors = SafeTensors.Load(TinyFlan);
        Assert.Equal(52, tensors.Count);
        Assert.Equal(new long[] { 1152, 64 }, tensors["shared.weight"].shape);
        Assert.Equal(torch.ScalarType.Float32, tensors["shared.weight"].dtype);

        using var dir = new TempDir();
        SafeTensors.Save(dir.File("copy.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var again = SafeTensors.Load(dir.File("copy.safetensors"));
        foreach (var (name, t) in tensors)
            Assert.True(t.bytes.SequenceEqual(again[name].bytes), name);
        var (_, metadata, _) = SafeTensors.ReadHeader(dir.File("copy.safetensors"));
        Assert.Equal("pt", metadata["format"]);
    }

    [Fact]
    public void HalfPrecisionRoundTrips()
    {
        using var dir = new TempDir();
        using var bf = torch.tensor(new float[] { 1f, -2.5f, 3.25f }).to(torch.ScalarType.BFloat16);
        using var f16 = torch.tensor(new float[] { 0.5f, 65504f }).to(torch.ScalarType.Float16);
        SafeTensors.Save(dir.File("h.safetensors"), new Dictionary<string, torch.Tensor> { ["a"] = bf, ["b"] = f16 });
        var back = SafeTensors.Load(dir.File("h.safetensors"));
        Assert.Equal(torch.ScalarType.BFloat16, back["a"].dtype);
        Assert.Equal(new[] { 1f, -2.5f, 3.25f }, back["a"].to(torch.ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new[] { 0.5f, 65504f }, back["b"].to(torch.ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void TruncatedFileNamesTheFileAndTensor()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(TinyFlan);
        File.WriteAllBytes(dir.File("cut.safetensors"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Load(dir.File("cut.safetensors")));
        Assert.Contains("cut.safetensors", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void CorruptHeaderLengthIsReported()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(TinyFlan);
        bytes[7] = 0x7f; // an absurd header length
        File.WriteAllBytes(dir.File("bad.safetensors"), bytes);
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Load(dir.File("bad.safetensors")));
        Assert.Contains("corrupt safetensors header", e.Message);
    }
}
