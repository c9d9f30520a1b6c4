using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Runtime;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Training;

/// <summary>
/// A run stopped at step 4 of 6, saved, and resumed in a fresh model and trainer must give the same losses, log history
/// and final weights as the uninterrupted run. Dropout is on (0.1), so the restored RNG state matters too. torch's
/// generator is process-wide and other tests build models (random init draws from it), so this class runs alone.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public class ResumeTests
{
    [Theory]
    [InlineData("adamw_torch", 1, 2, 4, 6)]
    [InlineData("adafactor", 1, 2, 4, 6)]
    // 3 micro-batches per epoch with accumulation 2: each epoch's left-over micro-batch carries into the next epoch's
    // step, so steps don't line up with epochs; stopping at step 2 leaves one micro-batch of epoch 1 to run on resume
    [InlineData("adamw_torch", 2, 4, 2, 4)]
    // bf16 mixed precision: the casts are deterministic, so a resumed bf16 run equals the uninterrupted bf16 run too
    [InlineData("adamw_torch", 1, 2, 4, 6, true)]
    [InlineData("adafactor", 2, 4, 2, 4, true)]
    public void ResumedRunEqualsUninterruptedRun(string optim, int accumulation, int epochs, int stopAt, int totalSteps, bool bf16 = false)
    {
        var batches = SingleRowBatches();
        var args = new TrainingArguments
        {
            Optim = optim, LearningRate = 1e-3, WeightDecay = 0.01, NumTrainEpochs = epochs, PerDeviceTrainBatchSize = 1,
            GradientAccumulationSteps = accumulation, LrSchedulerType = "linear", WarmupSteps = 2, LoggingSteps = 1, Seed = 7, Bf16 = bf16,
        };

        using var temp = new TempDir();
        args.OutputDir = temp.Path; // where the interrupted run's checkpoint goes
        using var full = DropoutModel();
        var fullRecorder = new StepRecorder();
        var fullState = new Seq2SeqTrainer(full, args, batches, [fullRecorder]).Train().State;
        var fullReports = fullRecorder.Steps;
        Assert.Equal(totalSteps, fullReports.Count);

        string checkpoint = temp.File(CheckpointRotation.Prefix + stopAt);
        using (var first = DropoutModel())
            new Seq2SeqTrainer(first, args, batches, [new StepRecorder(stopAt, saveAtStop: true)]).Train();
        foreach (var file in new[] { "model.safetensors", "config.json", TrainerCheckpoint.OptimizerFile, TrainerCheckpoint.RngStateFile,
                     TrainerState.FileName, TrainingProgress.FileName, TrainerCheckpoint.ArgumentsFile })
            Assert.True(File.Exists(Path.Combine(checkpoint, file)), $"checkpoint lacks {file}");

        using var resumed = DropoutModel();
        var resumedRecorder = new StepRecorder();
        var resumedState = new Seq2SeqTrainer(resumed, args, batches, [resumedRecorder]).Train(resumeFromCheckpoint: checkpoint).State;
        var resumedReports = resumedRecorder.Steps;

        Assert.Equal(fullReports.Skip(stopAt).Select(r => r.GlobalStep), resumedReports.Select(r => r.GlobalStep));
        for (int i = 0; i < totalSteps - stopAt; i++)
        {
            var want = fullReports[stopAt + i];
            var got = resumedReports[i];
            Assert.Equal(want.Loss, got.Loss);
            Assert.Equal(want.GradNorm, got.GradNorm);
            Assert.Equal(want.LearningRateUsed, got.LearningRateUsed);
            Assert.Equal(want.Epoch, got.Epoch);
        }
        Assert.Equal(fullState.LogHistory.Select(e => (e.Step, e.Loss, e.LearningRate, e.TrainLoss)),
            resumedState.LogHistory.Select(e => (e.Step, e.Loss, e.LearningRate, e.TrainLoss)));
        var fullParameters = full.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in resumed.named_parameters())
            Assert.True(MaxAbsDiff(parameter, fullParameters[name]) == 0, $"{name} differs after resume");
    }

    [Fact]
    public void ResumeFromMissingFolderNamesIt()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        var trainer = new Seq2SeqTrainer(model, new TrainingArguments(), SingleRowBatches());
        var e = Assert.Throws<TrainingException>(() => trainer.Train(resumeFromCheckpoint: "/nonexistent/checkpoint-4"));
        Assert.Contains("/nonexistent/checkpoint-4", e.Message);
    }

    /// <summary>tiny-flan with dropout 0.1 (its fixture config has 0), weights from the fixture.</summary>
    internal static T5ForConditionalGeneration DropoutModel()
    {
        TorchRuntime.Initialize();
        string dir = HfModelDir("tiny-flan");
        var config = T5Config.Load(Path.Combine(dir, "config.json"));
        config.DropoutRate = 0.1;
        var model = new T5ForConditionalGeneration(config);
        var weights = SafeTensors.Load(Path.Combine(dir, "model.safetensors"));
        model.LoadStateDict(weights, dir);
        foreach (var t in weights.Values) t.Dispose();
        return model;
    }

    /// <summary>hf/batch.json's three rows as three micro-batches of one row (shorter rows keep their padding).</summary>
    internal static List<TrainingBatch> SingleRowBatches()
    {
        var (inputIds, mask, labels) = HfBatch();
        return Enumerable.Range(0, 3).Select(i => new TrainingBatch(
            inputIds.narrow(0, i, 1), mask.narrow(0, i, 1), labels.narrow(0, i, 1))).ToList();
    }
}
