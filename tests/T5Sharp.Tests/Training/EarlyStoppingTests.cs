using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Training.TrainingRunEndToEndTests;

namespace T5Sharp.Tests.Training;

/// <summary>EarlyStoppingCallback with HF's semantics: patience counts evaluations that don't beat the saved best by more than the threshold.</summary>
[Collection(GlobalRngCollection.Name)]
public class EarlyStoppingTests
{
    [Fact]
    public void PatienceCountsEvaluationsThatDoNotBeatTheBestByTheThreshold()
    {
        var args = new TrainingArguments { MetricForBestModel = "loss", EvalStrategy = "steps", SaveStrategy = "steps" };
        var state = new TrainerState();
        var control = new TrainerControl();
        var callback = new EarlyStoppingCallback(patience: 2, threshold: 0.1);
        ITrainerCallback hooks = callback;
        hooks.OnTrainBegin(args, state, control);
        var counters = new List<int>();
        // (eval_loss, the best a save then records): loss is better when lower
        foreach (var (loss, bestAfter) in new (double, double)[] { (1.0, 1.0), (0.95, 0.95), (0.8, 0.8), (0.85, 0.8), (0.75, 0.75) })
        {
            Assert.False(control.ShouldTrainingStop);
            hooks.OnEvaluate(args, state, control, new Dictionary<string, double> { ["eval_loss"] = loss });
            counters.Add(callback.PatienceCounter);
            state.BestMetric = bestAfter;
        }
        // 1.0: no best yet; 0.95: better but by less than 0.1; 0.8: better by 0.15; 0.85: worse; 0.75: better by only 0.05
        Assert.Equal([0, 1, 0, 1, 2], counters);
        Assert.True(control.ShouldTrainingStop);
        Assert.True(callback.StoppedTraining);

        var missing = Assert.Throws<TrainingException>(() => hooks.OnEvaluate(args, state, new TrainerControl(),
            new Dictionary<string, double> { ["eval_rouge1"] = 0.3 }));
        Assert.Contains("eval_loss", missing.Message);
    }

    [Fact]
    public void RunStopsAfterPatienceEvaluationsWithoutImprovement()
    {
        using var temp = new TempDir();
        string model = WriteModel(temp, 0.0);
        // learning_rate 0: eval_loss never improves, so evaluations at 4 and 6 use up a patience of 2
        var options = Options(model, WriteData(temp), temp.File("run"), "max_steps=20", "per_device_train_batch_size=4",
            "learning_rate=0", "eval_strategy=steps", "eval_steps=2", "save_strategy=steps", "save_steps=2",
            "metric_for_best_model=loss", "early_stopping_patience=2");
        using var pretrained = PretrainedT5.Load(model);
        var result = new Seq2SeqTrainer(options, pretrained).Train();

        Assert.True(result.EarlyStopped);
        Assert.Equal(6, result.State.GlobalStep);
        Assert.Equal([2L, 4L, 6L], result.Evaluations.Select(e => e.Step));
        Assert.Equal("checkpoint-2", Path.GetFileName(result.State.BestModelCheckpoint));
        Assert.NotNull(result.State.LogHistory[^1].TrainLoss);
        Assert.NotNull(result.FinalModelDir);
    }
}
