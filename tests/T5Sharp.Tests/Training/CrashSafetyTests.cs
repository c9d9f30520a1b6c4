using System.Diagnostics;
using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Training.TrainingRunEndToEndTests;

namespace T5Sharp.Tests.Training;

/// <summary>
/// Nothing lost, nothing half-written: a full disk during a checkpoint save, a run folder holding another run, a
/// Ctrl-C during evaluation, and `t5sharp train` killed with SIGKILL at random points with a save every step.
/// </summary>
[Collection(GlobalRngCollection.Name)] // dropout draws from torch's process-wide generator
public class CrashSafetyTests
{
    static readonly string[] Common = ["max_steps=4", "per_device_train_batch_size=2", "seed=5", "save_strategy=steps", "save_steps=1"];

    [Fact]
    public void AFullDiskDuringACheckpointKeepsTheLastCompleteOneAndAResumeOfTheRunFolderEndsLikeAnUninterruptedRun()
    {
        using var temp = new TempDir();
        string data = WriteData(temp), model = WriteModel(temp, 0.1);
        TrainOutput full;
        using (var pretrained = PretrainedT5.Load(model))
            full = new Seq2SeqTrainer(Options(model, data, temp.File("full"), Common), pretrained).Train();

        string run = temp.File("split");
        using (var pretrained = PretrainedT5.Load(model))
        using (AtomicFile.InjectFaults(path => path.Contains("checkpoint-3.tmp-") && path.EndsWith(TrainerState.FileName)
                   ? StorageErrors.DiskFull(path) : null))
        {
            var e = Assert.Throws<TrainingException>(() => new Seq2SeqTrainer(Options(model, data, run, Common), pretrained).Train());
            Assert.Contains("step 3: saving", e.Message);
            Assert.Contains("no space left on the device", e.Message);
            Assert.EndsWith($"the last complete checkpoint is {Path.Combine(run, "checkpoint-2")}", e.Message);
        }
        // checkpoint-3 appears not at all, not half: no folder, no temporary leftovers
        Assert.Equal(["checkpoint-1", "checkpoint-2", "metrics.jsonl", "run.json"],
            Directory.EnumerateFileSystemEntries(run).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        TrainOutput resumed;
        using (var pretrained = PretrainedT5.Load(model))
        {
            var trainer = new Seq2SeqTrainer(Options(model, data, run, Common), pretrained);
            resumed = trainer.Train(resumeFromCheckpoint: run);
            Assert.Equal(Path.Combine(run, "checkpoint-2"), trainer.ResumedFrom);
        }
        Assert.Equal(full.State.LogHistory.Select(e => (e.Step, e.Loss, e.GradNorm, e.TrainLoss)),
            resumed.State.LogHistory.Select(e => (e.Step, e.Loss, e.GradNorm, e.TrainLoss)));
        AssertSameWeights(Path.Combine(full.FinalModelDir!, "model.safetensors"), Path.Combine(resumed.FinalModelDir!, "model.safetensors"));
    }

    [Fact]
    public void ARunFolderHoldingAnotherRunIsRefusedUnlessResumingOrOverwriting()
    {
        using var temp = new TempDir();
        string data = WriteData(temp), model = WriteModel(temp, 0.0);
        string run = temp.File("run");
        string[] longer = ["max_steps=4", "per_device_train_batch_size=4", "save_strategy=steps", "save_steps=2"];
        using (var pretrained = PretrainedT5.Load(model))
            new Seq2SeqTrainer(Options(model, data, run, longer), pretrained).Train();
        Assert.Equal(["checkpoint-2", "checkpoint-4"], CheckpointRotation.Sorted(run).Select(Path.GetFileName));
        string finalBefore = File.ReadAllText(Path.Combine(run, "final", TrainerState.FileName));

        string[] shorter = ["max_steps=2", "per_device_train_batch_size=4", "save_strategy=steps", "save_steps=1", "save_total_limit=1"];
        using (var pretrained = PretrainedT5.Load(model))
        {
            var e = Assert.Throws<TrainingException>(() => new Seq2SeqTrainer(Options(model, data, run, shorter), pretrained).Train());
            Assert.Contains($"{run} is not empty (checkpoint-2, checkpoint-4, final, metrics.jsonl, ...)", e.Message);
            Assert.Contains("--resume", e.Message);
            Assert.Contains("overwrite_output_dir=true", e.Message);
        }
        // nothing of the first run was touched
        Assert.Equal(finalBefore, File.ReadAllText(Path.Combine(run, "final", TrainerState.FileName)));
        Assert.Equal(["checkpoint-2", "checkpoint-4"], CheckpointRotation.Sorted(run).Select(Path.GetFileName));

        // overwrite_output_dir: the old run's checkpoints go first, so rotation keeps the new run's own
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        using (var pretrained = PretrainedT5.Load(model))
        {
            var trainer = new Seq2SeqTrainer(Options(model, data, run, [.. shorter, "overwrite_output_dir=true"]), pretrained);
            var result = trainer.Train();
            Assert.Equal(["checkpoint-2", "checkpoint-4", "final", "metrics.jsonl", "run.json"],
                trainer.RemovedPreviousRun.Select(Path.GetFileName));
            Assert.Equal(result.State.LogHistory.Count, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        }
        Assert.Equal(["checkpoint-2"], CheckpointRotation.Sorted(run).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(run, "notes.txt")));
    }

    [Fact]
    public void ACancelDuringEvaluationStopsWithinOneDecodingStepAndSaves()
    {
        using var temp = new TempDir();
        string data = WriteData(temp), model = WriteModel(temp, 0.0);
        var options = Options(model, data, temp.File("run"), "max_steps=4", "per_device_train_batch_size=4", "save_strategy=no",
            "per_device_eval_batch_size=2", "predict_with_generate=true", "generation_max_length=16");
        using var pretrained = PretrainedT5.Load(model);
        var trainer = new Seq2SeqTrainer(options, pretrained);

        // the evaluator alone: a cancel at decoding step 3 of the first batch ends it before step 4
        using var cancel = new CancellationTokenSource();
        var streamer = new CancellingStreamer(cancel, atStep: 3);
        var evaluator = new TrainingEvaluator(trainer.Data!.Eval!, pretrained.Tokenizer, options.Training,
            GenerationConfigJson.ForModel(pretrained) with { MinLength = 16 }, true, 8) { Streamer = streamer };
        Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Evaluate(pretrained.Model, cancellation: cancel.Token));
        Assert.Equal(3, streamer.LastStep);
        Assert.True(streamer.StepsAfterCancel <= 1, $"{streamer.StepsAfterCancel} decoding steps ran after the cancel");

        // in training: the evaluation of step 2 sees the cancel, the trainer saves step 2 and stops
        using var stop = new CancellationTokenSource();
        var inTraining = Options(model, data, temp.File("run2"), "max_steps=4", "per_device_train_batch_size=4", "save_strategy=no",
            "eval_strategy=steps", "eval_steps=2", "predict_with_generate=true", "generation_max_length=16");
        var result = new Seq2SeqTrainer(inTraining, pretrained, [new StepRecorder(onStep: s => { if (s.GlobalStep == 2) stop.Cancel(); })])
            .Train(cancellation: stop.Token);
        Assert.True(result.Cancelled);
        Assert.Empty(result.Evaluations);
        Assert.Equal("checkpoint-2", Path.GetFileName(result.LastCheckpoint));
        Assert.True(CheckpointFolders.IsComplete(result.LastCheckpoint!));
    }

    sealed class CancellingStreamer(CancellationTokenSource cancel, int atStep) : IGenerationStreamer
    {
        public int LastStep { get; private set; } = -1;
        public int StepsAfterCancel { get; private set; }

        public void Put(int step, IReadOnlyList<long> tokens)
        {
            if (cancel.IsCancellationRequested) StepsAfterCancel++;
            LastStep = step;
            if (step == atStep) cancel.Cancel();
        }

        public void End() { }
    }

    /// <summary>
    /// `t5sharp train` with a save every step, killed with SIGKILL at random points (T5SHARP_KILLS times, 2 in the
    /// suite; bench/kill-during-training.sh runs 25): after every kill each checkpoint present is complete and loadable,
    /// and the run resumed from its folder ends with the uninterrupted run's losses and weights.
    /// </summary>
    [Fact]
    public void KilledTrainingResumesToTheUninterruptedResult()
    {
        int kills = int.TryParse(Environment.GetEnvironmentVariable("T5SHARP_KILLS"), out int k) ? k : 2;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("T5SHARP_KILL_SEED"), out int s) ? s : Environment.TickCount;
        var random = new Random(seed);
        using var temp = new TempDir();
        string config = temp.File("run.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = WriteModel(temp, 0.1), ["data"] = WriteData(temp), ["source_field"] = "dialogue", ["target_field"] = "summary",
            ["max_steps"] = 6, ["per_device_train_batch_size"] = 2, ["learning_rate"] = 0.003, ["seed"] = 5, ["logging_steps"] = 1,
            ["save_steps"] = 1, ["save_total_limit"] = 3,
        }));
        var full = CliRunner.Run("train", "--config", config, "--output-dir", temp.File("full"));
        Assert.True(full.ExitCode == 0, full.Stderr);

        string run = temp.File("killed");
        var log = new List<string>();
        for (int i = 0; i < kills; i++)
        {
            int savesBeforeKill = random.Next(0, 3), delayMs = random.Next(0, 400);
            string? resume = Directory.Exists(run) ? CheckpointFolders.LatestComplete(run) is null ? null : run : null;
            bool finished = KillAfter(config, run, resume, savesBeforeKill, delayMs);
            log.Add($"kill {i}: after {savesBeforeKill} saves + {delayMs} ms{(finished ? " (the run had finished)" : "")}: " +
                    (Directory.Exists(run) ? string.Join(" ", Directory.EnumerateFileSystemEntries(run).Select(Path.GetFileName).Order())
                        : "(killed before the run folder existed)"));
            foreach (var checkpoint in CheckpointRotation.Sorted(run))
            {
                Assert.True(CheckpointFolders.IsComplete(checkpoint), $"seed {seed}: {checkpoint}: {CheckpointFolders.Incomplete(checkpoint)}\n{string.Join("\n", log)}");
                TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName));
                foreach (var file in new[] { "model.safetensors", TrainerCheckpoint.OptimizerFile, TrainerCheckpoint.RngStateFile })
                    foreach (var t in SafeTensors.Load(Path.Combine(checkpoint, file)).Values) t.Dispose();
            }
            if (finished && Directory.Exists(run)) Directory.Delete(run, recursive: true); // start over: the kill came too late to test anything
        }
        string[] args = CheckpointFolders.LatestComplete(run) is null
            ? ["train", "--config", config, "--output-dir", run, "--set", "overwrite_output_dir=true"]
            : ["train", "--config", config, "--output-dir", run, "--resume", run];
        var last = CliRunner.Run(args);
        Assert.True(last.ExitCode == 0, $"seed {seed}: {last.Stderr}\n{string.Join("\n", log)}");
        if (args.Contains("--resume"))
        {
            // told when training begins, before any step line (it once came after the whole run)
            int note = last.Stderr.IndexOf("resumed from ", StringComparison.Ordinal), firstStep = last.Stderr.IndexOf("\nstep ", StringComparison.Ordinal);
            Assert.True(note >= 0 && (firstStep < 0 || note < firstStep), last.Stderr);
        }
        Assert.Equal(ComputedValues(Path.Combine(temp.File("full"), "metrics.jsonl")), ComputedValues(Path.Combine(run, "metrics.jsonl")));
        AssertSameWeights(Path.Combine(temp.File("full"), "final", "model.safetensors"), Path.Combine(run, "final", "model.safetensors"));
    }

    /// <summary>metrics.jsonl's lines without the values measured from the clock and the machine (tokens/s, memory, runtime).</summary>
    static List<string> ComputedValues(string path) => File.ReadAllLines(path).Select(line =>
    {
        var entry = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        foreach (var key in MetricsLog.MeasuredKeys) entry.Remove(key);
        return entry.ToJsonString();
    }).ToList();

    /// <summary>Starts `t5sharp train`, waits for <paramref name="saves"/> "saved" lines and <paramref name="delayMs"/> more, then SIGKILLs it.</summary>
    static bool KillAfter(string config, string run, string? resume, int saves, int delayMs)
    {
        var psi = CliRunner.StartInfo("train", "--config", config, "--output-dir", run);
        if (resume is not null) { psi.ArgumentList.Add("--resume"); psi.ArgumentList.Add(resume); }
        else if (Directory.Exists(run)) { psi.ArgumentList.Add("--set"); psi.ArgumentList.Add("overwrite_output_dir=true"); }
        using var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync();
        int seen = 0;
        while (seen < saves && process.StandardError.ReadLine() is { } line)
            if (line.StartsWith("saved ", StringComparison.Ordinal)) seen++;
        _ = process.StandardError.ReadToEndAsync();
        Thread.Sleep(delayMs);
        bool finished = process.HasExited;
        if (!finished) process.Kill(); // SIGKILL on Linux
        process.WaitForExit();
        return finished;
    }

    static void AssertSameWeights(string wantPath, string gotPath)
    {
        var want = SafeTensors.Load(wantPath);
        var got = SafeTensors.Load(gotPath);
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (name, tensor) in want) Assert.True(tensor.equal(got[name]).all().item<bool>(), $"{name} differs");
    }
}
