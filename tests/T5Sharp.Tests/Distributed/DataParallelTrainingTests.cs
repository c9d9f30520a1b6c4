using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Training.TrainingRunEndToEndTests;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 t5sharp train` is one data-parallel run: on a tiny model (dropout 0, shuffling on, gradient clipping
/// on) it equals one process with twice the gradient accumulation over the same global batches (the ranks take
/// alternate micro-batches of the same shuffled order and average their gradients before clipping): the same step
/// losses, grad norms and final weights; the same for a LoRA run; a 2-rank run stopped and resumed equals the
/// uninterrupted one; a rank killed mid-training ends the job with an error in bounded time.
/// </summary>
[Trait("Category", "Mpi")]
public class DataParallelTrainingTests
{
    // relative tolerance of the issue; the logged loss is rounded to 4 decimals (as HF logs it), so it is compared to
    // within one rounding unit as well
    const double Tolerance = 1e-5;

    static string Config(TempDir temp, params (string Key, object Value)[] extra)
    {
        var options = new Dictionary<string, object>
        {
            ["model"] = WriteModel(temp, 0.0), ["data"] = WriteData(temp), ["source_field"] = "dialogue", ["target_field"] = "summary",
            ["max_steps"] = 6, ["per_device_train_batch_size"] = 2, ["learning_rate"] = 0.003, ["seed"] = 5, ["logging_steps"] = 1,
            ["warmup_steps"] = 2, ["save_strategy"] = "no", ["max_grad_norm"] = 0.5,
        };
        foreach (var (key, value) in extra) options[key] = value;
        string path = temp.File("run.json");
        File.WriteAllText(path, JsonSerializer.Serialize(options));
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoRanksEqualOneProcessWithTwiceTheAccumulation(bool lora)
    {
        using var temp = new TempDir();
        string config = Config(temp);
        string[] adapter = lora ? ["--lora", "r=4,alpha=8,dropout=0,targets=q,v"] : [];
        var single = CliRunner.Run(["train", "--config", config, "--output-dir", temp.File("single"), "--set", "gradient_accumulation_steps=2", .. adapter]);
        Assert.True(single.ExitCode == 0, single.Stderr);
        var two = MpiRun.Run(2, 4, ["train", "--config", config, "--output-dir", temp.File("two"), .. adapter]);
        Assert.True(two.ExitCode == 0, two.Stdout + two.Stderr);
        // rank 0 alone prints the summary
        Assert.Single(two.Stdout.Split('\n'), line => line.Contains("trained 6 steps", StringComparison.Ordinal));

        var want = MetricsLog.Read(Path.Combine(temp.File("single"), MetricsLog.FileName));
        var got = MetricsLog.Read(Path.Combine(temp.File("two"), MetricsLog.FileName));
        Assert.Equal(want.Select(e => (e.Step, e.Epoch, e.LearningRate)), got.Select(e => (e.Step, e.Epoch, e.LearningRate)));
        Assert.Equal(6, got.Count(e => e.Loss is not null));
        for (int i = 0; i < want.Count; i++)
        {
            string at = $"step {want[i].Step}";
            if (want[i].Loss is { } loss)
                Assert.True(Math.Abs(loss - got[i].Loss!.Value) <= Math.Max(Tolerance * Math.Abs(loss), 1e-4 + 1e-9), $"{at}: loss {loss} vs {got[i].Loss}");
            if (want[i].GradNorm is { } norm) AssertClose(norm, got[i].GradNorm!.Value, $"{at}: grad_norm");
            if (want[i].TrainLoss is { } trainLoss) AssertClose(trainLoss, got[i].TrainLoss!.Value, "train_loss");
        }
        Assert.Contains(got, e => e.GradNorm is not null);

        string weights = lora ? "adapter_model.safetensors" : "model.safetensors";
        var a = SafeTensors.Load(Path.Combine(temp.File("single"), "final", weights));
        var b = SafeTensors.Load(Path.Combine(temp.File("two"), "final", weights));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, tensor) in a)
        {
            double diff = (tensor - b[name]).abs().max().item<float>();
            Assert.True(diff <= Tolerance, $"{name}: final weights differ by {diff}");
        }
        // and training moved them: the comparison is not of two untouched copies
        var init = SafeTensors.Load(Path.Combine(temp.File("init"), "model.safetensors"));
        if (!lora) Assert.Contains(a, kv => (kv.Value - init[kv.Key]).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void StoppedAndResumedTwoRankRunEqualsTheUninterruptedOne()
    {
        using var temp = new TempDir();
        // a schedule that does not depend on max_steps, so a run that stops at 4 and one continued to 6 share it
        string config = Config(temp, ("lr_scheduler_type", "constant_with_warmup"), ("save_strategy", "steps"), ("save_steps", 2),
            ("num_train_epochs", 3));
        var full = MpiRun.Run(2, 4, "train", "--config", config, "--output-dir", temp.File("full"));
        Assert.True(full.ExitCode == 0, full.Stdout + full.Stderr);

        string run = temp.File("resumed");
        var first = MpiRun.Run(2, 4, "train", "--config", config, "--output-dir", run, "--max-steps", "4");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        string checkpoint = Path.Combine(run, CheckpointRotation.Prefix + 4);
        foreach (var file in new[] { "rng_state_0.safetensors", "rng_state_1.safetensors" })
            Assert.True(File.Exists(Path.Combine(checkpoint, file)), $"{checkpoint} lacks {file}");
        Assert.False(File.Exists(Path.Combine(checkpoint, TrainerCheckpoint.RngStateFile)), "a 2-rank checkpoint holds one RNG state per rank");

        var resumed = MpiRun.Run(2, 4, "train", "--config", config, "--output-dir", run, "--resume", run);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains($"resumed from {checkpoint}", resumed.Stderr);
        Assert.Equal(ComputedLines(Path.Combine(temp.File("full"), MetricsLog.FileName)), ComputedLines(Path.Combine(run, MetricsLog.FileName)));
        var a = SafeTensors.Load(Path.Combine(temp.File("full"), "final", "model.safetensors"));
        var b = SafeTensors.Load(Path.Combine(run, "final", "model.safetensors"));
        foreach (var (name, tensor) in a)
            Assert.True((tensor - b[name]).abs().max().item<float>() == 0, $"{name} differs after the resume");
    }

    [Fact]
    public void ARankThatDiesEndsTheJobWithAnErrorInsteadOfAHang()
    {
        using var temp = new TempDir();
        string config = Config(temp, ("max_steps", 100000));
        string output = temp.File("killed");
        using var process = Process.Start(MpiRun.StartInfo(2, "train", "--config", config, "--output-dir", output))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            WaitUntilTraining(process, output, stdout, stderr, "the kill");
            int rank1 = RankProcess(output, 1);
            var clock = Stopwatch.StartNew();
            Process.GetProcessById(rank1).Kill();
            bool ended = process.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.True(ended, "the job was still running 60 s after rank 1 died");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, process.ExitCode);
            string errors = stderr.Result + stdout.Result;
            Assert.Contains("rank 1", errors);
            Assert.Contains("signal 9", errors);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void SigUsr1ToMpirunStopsEveryRankAtOneStepAndKeepsACompleteCheckpoint()
    {
        using var temp = new TempDir();
        string config = Config(temp, ("max_steps", 100000));
        string output = temp.File("stopped");
        using var process = Process.Start(MpiRun.StartInfo(2, "train", "--config", config, "--output-dir", output))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            WaitUntilTraining(process, output, stdout, stderr, "the signal");
            // mpirun forwards SIGUSR1 to every rank: the ranks agree on a step, rank 0 saves it, all exit 130
            using (var kill = Process.Start("kill", ["-USR1", process.Id.ToString()])) kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(90)), "the job was still running 90 s after SIGUSR1");
            string all = stdout.Result + stderr.Result;
            Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {all}");
            string? checkpoint = CheckpointFolders.LatestComplete(output);
            Assert.True(checkpoint is not null, $"no complete checkpoint after the stop: {all}");
            Assert.Contains($"checkpoint saved in {checkpoint}", all);
            foreach (var file in new[] { "rng_state_0.safetensors", "rng_state_1.safetensors" })
                Assert.True(File.Exists(Path.Combine(checkpoint, file)), $"{checkpoint} lacks {file}");
            Assert.DoesNotContain("MPI_ABORT", all);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Returns once the run writing <paramref name="output"/> has logged steps (training is under way).</summary>
    static void WaitUntilTraining(Process process, string output, Task<string> stdout, Task<string> stderr, string before)
    {
        var waited = Stopwatch.StartNew();
        string metrics = Path.Combine(output, MetricsLog.FileName);
        while (!(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 2))
        {
            if (process.HasExited) Assert.Fail($"the run ended before {before}: {stdout.Result}{stderr.Result}");
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "no training step within 2 minutes");
            Thread.Sleep(100);
        }
    }

    /// <summary>The process of <paramref name="rank"/> of the job writing <paramref name="output"/>: its environment names the rank.</summary>
    static int RankProcess(string output, int rank)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!cmdline.Contains("T5Sharp.Cli.dll", StringComparison.Ordinal) || !cmdline.Contains(output, StringComparison.Ordinal)) continue;
                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (environment.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        throw new InvalidOperationException($"no process of rank {rank} writing {output} found under /proc");
    }

    static void AssertClose(double want, double got, string what) =>
        Assert.True(Math.Abs(want - got) <= Tolerance * Math.Abs(want), $"{what}: {want} vs {got}");

    /// <summary>metrics.jsonl's lines without the values measured from the clock and the machine.</summary>
    static List<string> ComputedLines(string path) => File.ReadAllLines(path).Select(line =>
    {
        var entry = JsonNode.Parse(line)!.AsObject();
        foreach (var key in MetricsLog.MeasuredKeys) entry.Remove(key);
        return entry.ToJsonString();
    }).ToList();
}
