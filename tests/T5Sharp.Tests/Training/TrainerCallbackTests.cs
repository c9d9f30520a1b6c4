using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Training.TrainingRunEndToEndTests;

namespace T5Sharp.Tests.Training;

/// <summary>
/// The trainer's callbacks on the tiny end-to-end run (8 pairs, batch 4: two steps per epoch): a callback sees every
/// event in HF's order, with the payloads (log entries, metrics, checkpoint folders) and the speed in the state, and
/// setting control.ShouldTrainingStop ends the run at that step with a final model.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public class TrainerCallbackTests
{
    sealed class EventRecorder : ITrainerCallback
    {
        public List<string> Events { get; } = [];
        public List<TrainingSpeed?> Speeds { get; } = [];
        public List<bool> CheckpointExisted { get; } = [];
        public bool FinalExistedAtEnd { get; private set; }

        public void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) => Events.Add("train_begin");
        public void OnEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) => Events.Add("epoch_begin");
        public void OnEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) => Events.Add($"epoch_end {state.GlobalStep}");

        public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step)
        {
            Events.Add($"step_end {step.GlobalStep}");
            Speeds.Add(state.Speed);
        }

        public void OnLog(TrainingArguments args, TrainerState state, TrainerControl control, LogHistoryEntry logs)
        {
            string kind = logs.TrainLoss is not null ? "train_loss" : logs.Loss is not null ? "loss" : logs.Other?.ContainsKey("eval_loss") == true ? "eval" : "?";
            Events.Add($"log {logs.Step} {kind}");
        }

        public void OnEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> metrics) =>
            Events.Add($"evaluate {state.GlobalStep} {string.Join(",", metrics.Keys)}");

        public void OnSave(TrainingArguments args, TrainerState state, TrainerControl control, string checkpointDir)
        {
            Events.Add($"save {Path.GetFileName(checkpointDir)}");
            CheckpointExisted.Add(File.Exists(Path.Combine(checkpointDir, TrainerState.FileName)));
        }

        public void OnTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control)
        {
            Events.Add("train_end");
            FinalExistedAtEnd = File.Exists(Path.Combine(args.OutputDir, Seq2SeqTrainer.FinalDirName, "model.safetensors"));
        }
    }

    [Fact]
    public void CallbackSeesEveryEventInOrder()
    {
        using var temp = new TempDir();
        string model = WriteModel(temp, 0.0);
        var options = Options(model, WriteData(temp), temp.File("run"), "max_steps=6", "per_device_train_batch_size=4",
            "logging_steps=2", "eval_strategy=steps", "eval_steps=2", "eval_on_start=true", "save_strategy=steps", "save_steps=3");
        using var pretrained = PretrainedT5.Load(model);
        var recorder = new EventRecorder();
        var trainer = new Seq2SeqTrainer(options, pretrained);
        trainer.AddCallback(recorder);
        var result = trainer.Train();

        Assert.Equal(
        [
            "train_begin", "log 0 eval", "evaluate 0 eval_loss",
            "epoch_begin", "step_end 1", "step_end 2", "log 2 loss", "log 2 eval", "evaluate 2 eval_loss", "epoch_end 2",
            "epoch_begin", "step_end 3", "save checkpoint-3", "step_end 4", "log 4 loss", "log 4 eval", "evaluate 4 eval_loss", "epoch_end 4",
            "epoch_begin", "step_end 5", "step_end 6", "log 6 loss", "log 6 eval", "evaluate 6 eval_loss", "save checkpoint-6", "epoch_end 6",
            "log 6 train_loss", "train_end",
        ], recorder.Events);
        Assert.Equal([true, true], recorder.CheckpointExisted);
        Assert.True(recorder.FinalExistedAtEnd);
        // the speed is there at every step: tokens/s from real tokens, the ETA falling to zero at the last step
        Assert.All(recorder.Speeds, s => Assert.True(s is { TokensPerSecond: > 0 }));
        Assert.Equal(TimeSpan.Zero, recorder.Speeds[^1]!.Eta);
        Assert.True(recorder.Speeds[^1]!.Elapsed >= recorder.Speeds[0]!.Elapsed);
        Assert.Equal([0L, 2L, 4L, 6L], result.Evaluations.Select(e => e.Step));
        // metrics.jsonl (the library's metrics-log callback) holds log_history line for line
        Assert.Equal(result.State.LogHistory.Count, File.ReadAllLines(temp.File("run/" + MetricsLog.FileName)).Length);
    }

    [Fact]
    public void CallbackStopsTrainingAtAChosenStep()
    {
        using var temp = new TempDir();
        string model = WriteModel(temp, 0.0);
        var options = Options(model, WriteData(temp), temp.File("run"), "max_steps=10", "per_device_train_batch_size=4");
        using var pretrained = PretrainedT5.Load(model);
        var recorder = new StepRecorder(stopAt: 3);
        var result = new Seq2SeqTrainer(options, pretrained, [recorder]).Train();

        Assert.Equal([1L, 2L, 3L], recorder.Steps.Select(s => s.GlobalStep));
        Assert.Equal(3, result.State.GlobalStep);
        Assert.False(result.Cancelled);
        Assert.False(result.EarlyStopped);
        Assert.Equal(3, result.State.LogHistory[^1].Step);
        Assert.NotNull(result.State.LogHistory[^1].TrainLoss);
        Assert.Equal(temp.File("run/final"), result.FinalModelDir);
        using var final = PretrainedT5.Load(result.FinalModelDir!);
        var trained = pretrained.Model.state_dict();
        foreach (var (name, tensor) in final.Model.state_dict())
            Assert.True(tensor.equal(trained[name]).all().item<bool>(), $"final/ {name} is not the weights after step 3");
    }
}
