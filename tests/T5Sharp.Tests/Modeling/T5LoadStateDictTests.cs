using T5Sharp.Formats;
using T5Sharp.Modeling;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

public class T5LoadStateDictTests
{
    static (T5ForConditionalGeneration Model, Dictionary<string, Tensor> StateDict, string File) Load(string modelName)
    {
        string dir = HfModelDir(modelName), file = Path.Combine(dir, "model.safetensors");
        return (new T5ForConditionalGeneration(T5Config.Load(Path.Combine(dir, "config.json"))), SafeTensors.Load(file), file);
    }

    [Fact]
    public void MissingKeyIsNamedWithTheFile()
    {
        var (model, sd, file) = Load("tiny-flan");
        sd.Remove("decoder.block.1.layer.1.EncDecAttention.k.weight");
        var e = Assert.Throws<CheckpointException>(() => model.LoadStateDict(sd, file));
        Assert.Equal($"{file}: missing key 'decoder.block.1.layer.1.EncDecAttention.k.weight' (expected shape [64, 64])", e.Message);
    }

    [Fact]
    public void WrongShapeNamesKeyExpectedAndFound()
    {
        var (model, sd, file) = Load("tiny-flan");
        sd["encoder.block.0.layer.1.DenseReluDense.wi_0.weight"] = zeros(100, 64);
        var e = Assert.Throws<CheckpointException>(() => model.LoadStateDict(sd, file));
        Assert.Equal($"{file}: key 'encoder.block.0.layer.1.DenseReluDense.wi_0.weight' has shape [100, 64], but the model expects [128, 64]", e.Message);
    }

    [Fact]
    public void UnexpectedKeyIsAnErrorAndNothingIsCopied()
    {
        var (model, sd, file) = Load("tiny-flan");
        sd["encoder.block.0.layer.0.SelfAttention.q.bias"] = zeros(64);
        using var before = model.Shared.weight!.clone();
        var e = Assert.Throws<CheckpointException>(() => model.LoadStateDict(sd, file));
        Assert.Contains($"{file}: unexpected key 'encoder.block.0.layer.0.SelfAttention.q.bias'", e.Message);
        Assert.True(model.Shared.weight!.eq(before).all().item<bool>(), "a rejected file must not change any weight");
    }

    [Fact]
    public void TiedAliasesAreAcceptedButLmHeadIsUnexpectedForAnUntiedModelOnlyWhenMissing()
    {
        var (tied, sd, file) = Load("tiny-t5v1");
        sd["encoder.embed_tokens.weight"] = sd["shared.weight"];
        sd["decoder.embed_tokens.weight"] = sd["shared.weight"];
        sd["lm_head.weight"] = sd["shared.weight"]; // a tied model's file may carry lm_head as an alias of shared
        tied.LoadStateDict(sd, file);
        Assert.True(tied.Shared.weight!.eq(sd["shared.weight"]).all().item<bool>());
        Assert.Null(tied.LmHead);

        var (untied, flanSd, flanFile) = Load("tiny-flan");
        flanSd.Remove("lm_head.weight");
        var e = Assert.Throws<CheckpointException>(() => untied.LoadStateDict(flanSd, flanFile));
        Assert.Contains("missing key 'lm_head.weight'", e.Message);
    }

    [Fact]
    public void ConvertsDtypeWhileCopying()
    {
        var (model, sd, file) = Load("tiny-flan");
        var halves = sd.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.BFloat16));
        model.LoadStateDict(halves, file);
        Assert.Equal(ScalarType.Float32, model.Shared.weight!.dtype);
        using var expected = sd["shared.weight"].to(ScalarType.BFloat16).to(ScalarType.Float32);
        Assert.True(model.Shared.weight!.eq(expected).all().item<bool>());
    }
}
