using System.Text.Json;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;
using T5Sharp.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

/// <summary>Loads the fixture models and batches (computed by transformers) for the parity tests.</summary>
public static class ModelFixtures
{
    /// <summary>A fixture model folder: <paramref name="format"/> is "safetensors" or "pytorch" (pytorch_model.bin).</summary>
    public static string HfModelDir(string model, string format = "safetensors") => Path.Combine(SharedPaths.Hf, model, format);
    public static string Hf2ModelDir => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    /// <summary>config.json + the folder's weights (model.safetensors or pytorch_model.bin) → a model in eval mode.</summary>
    public static T5ForConditionalGeneration LoadModel(string dir)
    {
        TorchRuntime.Initialize();
        var config = T5Config.Load(Path.Combine(dir, "config.json"));
        var model = new T5ForConditionalGeneration(config);
        PretrainedT5.LoadWeights(model, dir);
        model.eval();
        return model;
    }

    public static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    public static JsonElement HfReference(string model) => ReadJson(Path.Combine(SharedPaths.Hf, model, "reference.json"));

    public static JsonElement Hf2Reference => ReadJson(Path.Combine(SharedPaths.Hf2, "tiny-flan-32k.reference", "reference.json"));

    public static Tensor LongMatrix(JsonElement rows) =>
        tensor(rows.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(x => x.GetInt64())).ToArray(),
            [rows.GetArrayLength(), rows[0].GetArrayLength()], ScalarType.Int64);

    public static float[][] FloatMatrix(JsonElement rows) =>
        rows.EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToArray();

    public static long[][] LongRows(JsonElement rows) =>
        rows.EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt64()).ToArray()).ToArray();

    /// <summary>(input_ids, attention_mask, labels) of hf/batch.json.</summary>
    public static (Tensor InputIds, Tensor AttentionMask, Tensor Labels) HfBatch()
    {
        var batch = ReadJson(Path.Combine(SharedPaths.Hf, "batch.json"));
        return (LongMatrix(batch.GetProperty("input_ids")), LongMatrix(batch.GetProperty("attention_mask")),
            LongMatrix(batch.GetProperty("labels")));
    }

    public static (Tensor InputIds, Tensor AttentionMask, Tensor Labels) Hf2Batch()
    {
        var batch = Hf2Reference.GetProperty("batch");
        return (LongMatrix(batch.GetProperty("input_ids")), LongMatrix(batch.GetProperty("attention_mask")),
            LongMatrix(batch.GetProperty("labels")));
    }

    /// <summary>Largest |a − b| (shapes must match).</summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs().max();
        return diff.item<double>();
    }
}
