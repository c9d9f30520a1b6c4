using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Training;

/// <summary>
/// hf2/trainer_runs run_a (AdamW, HF param groups, linear warm-up 4, batch 4 × accumulation 2) and run_b (Adafactor,
/// constant lr, batch 8): the recorded micro-batches through our Seq2SeqTrainer on tiny-flan-32k must give transformers'
/// per-step losses, pre-clip grad norms, learning rates, log_history and final parameters.
/// </summary>
public class TrainerRunParityTests
{
    const double Relative = 1e-4;
    const double ParameterTolerance = 1e-4;

    [Theory]
    [InlineData("run_a")]
    [InlineData("run_b")]
    public void TrainerRunMatchesTransformers(string run)
    {
        var fixture = new TrainerRunFixture(run);
        using var model = LoadModel(Hf2ModelDir);
        var batches = fixture.MicroBatches();
        var recorder = new StepRecorder();
        var trainer = new Seq2SeqTrainer(model, fixture.Arguments(), batches, [recorder]);
        var state = trainer.Train().State;
        var reports = recorder.Steps;

        var steps = fixture.Steps.EnumerateArray().ToList();
        Assert.Equal(steps.Count, reports.Count);
        for (int k = 0; k < steps.Count; k++)
        {
            var want = steps[k];
            var got = reports[k];
            string at = $"{run} step {k + 1}";
            Assert.Equal(want.GetProperty("global_step").GetInt64(), got.GlobalStep);
            AssertRelative(want.GetProperty("loss_unrounded").GetDouble(), got.Loss, $"{at} loss");
            var micro = want.GetProperty("micro_batch_losses").EnumerateArray().Select(x => x.GetDouble()).ToList();
            Assert.Equal(micro.Count, got.MicroBatchLosses.Count);
            for (int m = 0; m < micro.Count; m++) AssertRelative(micro[m], got.MicroBatchLosses[m], $"{at} micro-batch {m} loss");
            AssertRelative(want.GetProperty("grad_norm").GetDouble(), got.GradNorm!.Value, $"{at} grad_norm");
            AssertRelative(want.GetProperty("learning_rate_used").GetDouble(), got.LearningRateUsed, $"{at} lr used");
            AssertRelative(want.GetProperty("learning_rate_logged").GetDouble(), got.LearningRateLogged, $"{at} lr logged");
            Assert.Equal(want.GetProperty("epoch").GetDouble(), got.Epoch, 12);
        }

        // log_history: HF's rounded losses, the lr after the scheduler stepped, and the closing train_loss entry
        var history = fixture.Run.GetProperty("log_history").EnumerateArray().ToList();
        Assert.Equal(history.Count, state.LogHistory.Count);
        for (int k = 0; k < steps.Count; k++)
        {
            var want = history[k];
            var got = state.LogHistory[k];
            Assert.Equal(want.GetProperty("step").GetInt64(), got.Step);
            // HF rounds to 4 decimals: ours may round the other way at a ...5 boundary
            Assert.True(Math.Abs(want.GetProperty("loss").GetDouble() - got.Loss!.Value) <= 1.000001e-4,
                $"log {k} loss: ours {got.Loss}, HF {want.GetProperty("loss").GetDouble()}");
            AssertRelative(want.GetProperty("learning_rate").GetDouble(), got.LearningRate!.Value, $"log {k} learning_rate");
            AssertRelative(want.GetProperty("grad_norm").GetDouble(), got.GradNorm!.Value, $"log {k} grad_norm");
        }
        AssertRelative(history[^1].GetProperty("train_loss").GetDouble(), state.LogHistory[^1].TrainLoss!.Value, "train_loss");
        Assert.Equal(fixture.Run.GetProperty("state").GetProperty("global_step").GetInt64(), state.GlobalStep);
        Assert.Equal(fixture.Run.GetProperty("state").GetProperty("epoch").GetDouble(), state.Epoch);

        var mismatches = fixture.FinalParameterMismatches(model, ParameterTolerance);
        Assert.True(mismatches.Count == 0, $"{run} final parameters: " + string.Join("; ", mismatches));
        foreach (var b in batches) { b.InputIds.Dispose(); b.AttentionMask.Dispose(); b.Labels.Dispose(); b.DecoderInputIds?.Dispose(); }
    }

    [Fact]
    public void HfParamGroupsExemptBiasesAndLayerNorms()
    {
        var fixture = new TrainerRunFixture("run_a");
        using var model = LoadModel(Hf2ModelDir);
        var groups = ParameterGrouping.HfTrainer(model, 0.01, 5e-4);
        var want = fixture.Run.GetProperty("optimizer_param_groups").EnumerateArray().ToList();
        Assert.Equal(want.Count, groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            Assert.Equal(want[g].GetProperty("weight_decay").GetDouble(), groups[g].WeightDecay);
            Assert.Equal(want[g].GetProperty("param_names").EnumerateArray().Select(n => n.GetString()!),
                groups[g].Parameters.Select(p => p.Name));
        }
    }

    internal static void AssertRelative(double expected, double actual, string what)
    {
        double scale = Math.Max(Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(actual - expected) <= Relative * scale || (expected == 0 && actual == 0),
            $"{what}: ours {actual}, HF {expected}");
    }
}
