using T5Sharp.Training;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Training;

/// <summary>The loop's safety rails: non-finite losses stop it, memory stays flat, arguments read HF's JSON.</summary>
public class TrainerBehaviourTests
{
    [Fact]
    public void NanLossStopsWithTheStepNamed()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        using (no_grad()) model.LmHead!.weight!.fill_(double.NaN);
        var trainer = new Seq2SeqTrainer(model, new TrainingArguments { PerDeviceTrainBatchSize = 1 }, ResumeTests.SingleRowBatches());
        var e = Assert.Throws<TrainingException>(() => trainer.Train());
        Assert.Contains("step 1", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Theory]
    [InlineData("adafactor")]
    [InlineData("adamw_torch")]
    public void LiveTensorCountIsFlatAcrossSteps(string optim)
    {
        using var model = LoadModel(HfModelDir("tiny-t5v1"));
        var args = new TrainingArguments { Optim = optim, NumTrainEpochs = 2, PerDeviceTrainBatchSize = 1, LoggingSteps = 1 };
        var live = new List<long>();
        new Seq2SeqTrainer(model, args, ResumeTests.SingleRowBatches(),
            [new StepRecorder(onStep: _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount))]).Train();
        // the first step allocates gradients and optimizer state; after that nothing may accumulate
        Assert.Equal(6, live.Count);
        Assert.All(live.Skip(1), n => Assert.Equal(live[1], n));
    }

    [Fact]
    public void LabelSmoothingMatchesItsDefinitionAndTorch()
    {
        // two positions over 3 classes, one ignored (-100)
        using var logits = tensor(new float[] { 1f, 2f, 0.5f, 0.3f, -1f, 2f, 9f, 9f, 9f }, [1, 3, 3]);
        using var labels = tensor(new long[] { 1, 2, -100 }, [1, 3]);
        const double eps = 0.1;
        double Expected()
        {
            double[][] rows = [[1, 2, 0.5], [0.3, -1, 2]];
            int[] targets = [1, 2];
            double total = 0;
            for (int i = 0; i < 2; i++)
            {
                double logZ = Math.Log(rows[i].Sum(Math.Exp));
                double nll = logZ - rows[i][targets[i]];
                double uniform = rows[i].Average(x => logZ - x);
                total += (1 - eps) * nll + eps * uniform;
            }
            return total / 2;
        }
        using var ours = LabelSmoother.Loss(logits, labels, eps);
        Assert.Equal(Expected(), ours.item<float>(), 6);
        using var libtorch = nn.functional.cross_entropy(logits.view(-1, 3), labels.view(-1), ignore_index: -100, label_smoothing: eps);
        Assert.Equal(libtorch.item<float>(), ours.item<float>(), 6);
    }

    [Fact]
    public void ArgumentsReadHfToDictAndKeepUnknownKeys()
    {
        var args = new TrainerRunFixture("run_a").Arguments();
        Assert.Equal(5e-4, args.LearningRate);
        Assert.Equal(4, args.PerDeviceTrainBatchSize);
        Assert.Equal(2, args.GradientAccumulationSteps);
        Assert.Equal(4, args.WarmupSteps);
        Assert.Equal("adamw_torch", args.Optim);
        Assert.Equal("linear", args.LrSchedulerType);
        Assert.Equal(0.01, args.WeightDecay);
        var again = TrainingArguments.FromJson(args.ToJson(), "round trip");
        Assert.Equal("no", again.EvalStrategy);
        Assert.False(again.Other!["fp16"].GetBoolean()); // a key the trainer doesn't use, kept (push_to_hub is read now: issue 14)
        Assert.False(again.PushToHub);
        Assert.Null(again.HubToken);                      // HF's to_dict writes "<HUB_TOKEN>": read as no token
        Assert.Equal(args.ToJson(), again.ToJson());
    }

    [Theory]
    [InlineData("{\"optim\": \"sgd_magic\"}", "optim")]
    [InlineData("{\"lr_scheduler_type\": \"zigzag\"}", "lr_scheduler_type")]
    [InlineData("{\"gradient_accumulation_steps\": 0}", "gradient_accumulation_steps")]
    [InlineData("{\"learning_rate\": \"fast\"}", "learning_rate")]
    public void BadArgumentsNameTheFileAndKey(string json, string key)
    {
        var e = Assert.Throws<TrainingException>(() => TrainingArguments.FromJson(json, "args.json"));
        Assert.Contains("args.json", e.Message);
        Assert.Contains(key, e.Message);
    }

    /// <summary>With label_smoothing_factor the step loss is HF's LabelSmoother value, i.e. libtorch's smoothed cross-entropy.</summary>
    [Fact]
    public void LabelSmoothingFactorChangesTheTrainedLoss()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        var batch = ResumeTests.SingleRowBatches()[2];
        double expected;
        using (no_grad())
        using (var output = model.Forward(batch.InputIds, batch.AttentionMask, labels: batch.Labels))
        using (var smoothed = nn.functional.cross_entropy(output.Logits.view(-1, output.Logits.shape[^1]), batch.Labels.view(-1),
                   ignore_index: -100, label_smoothing: 0.1))
            expected = smoothed.item<float>();
        var args = new TrainingArguments { LabelSmoothingFactor = 0.1, PerDeviceTrainBatchSize = 1, MaxSteps = 1 };
        StepReport? report = null;
        new Seq2SeqTrainer(model, args, [batch], [new StepRecorder(onStep: r => report = r)]).Train();
        Assert.Equal(expected, report!.MicroBatchLosses[0], 5);
    }
}
