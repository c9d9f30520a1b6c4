using System.Text.Json.Nodes;
using T5Sharp.Formats;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;
using T5Sharp.Tests.Support;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Pretrained;

/// <summary>Choosing the compute type: the CPU rule (with overridden features), config.json's torch_dtype, and loading.</summary>
public class ComputeTypeLoadTests
{
    static string Hf2Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    [Fact]
    public void AutoIsBFloat16OnlyWithAmxAndBFloat16NeedsBFloat16Instructions()
    {
        var none = CpuFeatures.Parse("none");
        var avx2 = CpuFeatures.Parse("avx2");
        var avx512Bf16 = CpuFeatures.Parse("avx2,avx512f,avx512_bf16");
        var amx = CpuFeatures.Parse("amx_bf16");
        Assert.Equal(ComputeType.Float32, ComputeTypes.Resolve("auto", none));
        Assert.Equal(ComputeType.Float32, ComputeTypes.Resolve("auto", avx2));
        Assert.Equal(ComputeType.Float32, ComputeTypes.Resolve("auto", avx512Bf16)); // bf16 without AMX is slower than float32
        Assert.Equal(ComputeType.BFloat16, ComputeTypes.Resolve("auto", amx));
        Assert.Equal(ComputeType.BFloat16, ComputeTypes.Resolve("bfloat16", avx512Bf16));
        Assert.Equal(ComputeType.Float32, ComputeTypes.Resolve("float32", amx));
        var e = Assert.Throws<ArgumentException>(() => ComputeTypes.Resolve("bfloat16", avx2));
        Assert.Contains("bfloat16 needs a CPU with AMX-BF16 or AVX512-BF16", e.Message);
        Assert.Contains("avx2", e.Message);
    }

    [Fact]
    public void ConfigTorchDtypeMapsAsTransformersAutoDoes()
    {
        var amx = CpuFeatures.Parse("amx_bf16");
        Assert.Equal(ComputeType.Float32, ComputeTypes.FromTorchDtype(null, amx));
        Assert.Equal(ComputeType.Float32, ComputeTypes.FromTorchDtype("float32", amx));
        Assert.Equal(ComputeType.BFloat16, ComputeTypes.FromTorchDtype("bfloat16", amx));
        Assert.Throws<ArgumentException>(() => ComputeTypes.FromTorchDtype("bfloat16", CpuFeatures.Parse("none")));
        Assert.Contains("overflows", Assert.Throws<ArgumentException>(() => ComputeTypes.FromTorchDtype("float16", amx)).Message);
    }

    [Fact]
    public void LoadInBFloat16ConvertsOnceAndSaysSo()
    {
        using var pretrained = PretrainedT5.Load(Hf2Model, new PretrainedLoadOptions { ComputeType = ComputeType.BFloat16 });
        Assert.Equal(ComputeType.BFloat16, pretrained.ComputeType);
        Assert.Equal(ScalarType.BFloat16, pretrained.Model.LmHead!.weight!.dtype);
        using var fromConfig = PretrainedT5.Load(Hf2Model, new PretrainedLoadOptions { ComputeTypeFromConfig = true });
        Assert.Equal(ComputeType.Float32, fromConfig.ComputeType); // its config.json says float32
        Assert.Equal(ScalarType.Float32, fromConfig.Model.LmHead!.weight!.dtype);
    }

    [Fact]
    public void ConfigWithFloat16TorchDtypeIsAnErrorNamingTheConfig()
    {
        using var dir = CopyWithTorchDtype("float16");
        var e = Assert.Throws<CheckpointException>(() => PretrainedT5.Load(dir.Path, new PretrainedLoadOptions { ComputeTypeFromConfig = true }));
        Assert.Contains("config.json", e.Message);
        Assert.Contains("float16", e.Message);
        using var plain = PretrainedT5.Load(dir.Path); // without ComputeTypeFromConfig torch_dtype is only a note, as in transformers
        Assert.Equal(ComputeType.Float32, plain.ComputeType);
    }

    /// <summary>The hf2 model folder with config.json's torch_dtype set to <paramref name="torchDtype"/>.</summary>
    internal static TempDir CopyWithTorchDtype(string torchDtype)
    {
        var dir = new TempDir();
        foreach (var file in Directory.GetFiles(Hf2Model)) File.Copy(file, dir.File(Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!;
        config["torch_dtype"] = torchDtype;
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        return dir;
    }
}
