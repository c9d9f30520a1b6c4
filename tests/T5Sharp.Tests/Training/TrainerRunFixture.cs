using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Training;

/// <summary>One of hf2/trainer_runs: the run record, its micro-batches and final parameters (from transformers' Seq2SeqTrainer).</summary>
public sealed class TrainerRunFixture
{
    public TrainerRunFixture(string run)
    {
        Dir = Path.Combine(SharedPaths.Hf2, "trainer_runs", run);
        Run = ReadJson(Path.Combine(Dir, "run.json"));
    }

    public string Dir { get; }
    public JsonElement Run { get; }
    public JsonElement Steps => Run.GetProperty("steps");

    /// <summary>The recorded micro-batches in the order training_step received them.</summary>
    public List<TrainingBatch> MicroBatches() =>
        ReadJson(Path.Combine(Dir, "batches.json")).GetProperty("batches").EnumerateArray()
            .Select(b => new TrainingBatch(LongMatrix(b.GetProperty("input_ids")), LongMatrix(b.GetProperty("attention_mask")),
                LongMatrix(b.GetProperty("labels")), LongMatrix(b.GetProperty("decoder_input_ids"))))
            .ToList();

    /// <summary>The run's arguments, read from the recorded Seq2SeqTrainingArguments.to_dict().</summary>
    public TrainingArguments Arguments() =>
        TrainingArguments.FromJson(Run.GetProperty("training_arguments_to_dict").GetRawText(), $"{Dir}/run.json");

    /// <summary>
    /// Every final parameter entry farther from HF's than <paramref name="tolerance"/>, as "name: diff" lines. Parameters
    /// stored in full and the listed embedding rows are compared element-wise (absolute). The [32128, d] matrices' row_sum
    /// and row_l2 aggregate d elements each, so they are compared relative to the row's norm (max(1, ‖row‖)): d
    /// element errors of float32 noise add up in a sum (Adafactor's normalised updates make a few rows' noise ~4e-5).
    /// </summary>
    public List<string> FinalParameterMismatches(T5ForConditionalGeneration model, double tolerance)
    {
        var expected = SafeTensors.Load(Path.Combine(Dir, "final_params.safetensors"));
        var rows = Run.GetProperty("final_params_embedding_rows").EnumerateArray().Select(r => r.GetInt64()).ToArray();
        var mismatches = new List<string>();
        int compared = 0;
        void Check(string name, double diff)
        {
            compared++;
            if (!(diff <= tolerance)) mismatches.Add($"{name}: max |ours − HF| = {diff}");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rowIndex = tensor(rows, ScalarType.Int64);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (expected.TryGetValue(name, out var full))
            {
                Check(name, MaxAbsDiff(parameter, full));
                continue;
            }
            var expectedL2 = expected[$"{name}.row_l2"];
            var scale = expectedL2.clamp(min: 1.0);
            Check($"{name}.rows", MaxAbsDiff(parameter.index_select(0, rowIndex), expected[$"{name}.rows"]));
            Check($"{name}.row_sum", ((parameter.sum([1L]) - expected[$"{name}.row_sum"]).abs() / scale).max().item<float>());
            Check($"{name}.row_l2", ((parameter.norm(1, false, 2) - expectedL2).abs() / scale).max().item<float>());
        }
        Assert.Equal(expected.Count, compared);
        foreach (var t in expected.Values) t.Dispose();
        return mismatches;
    }
}
