using System.Diagnostics;
using T5Sharp.Cli;
using T5Sharp.Data.Converters;
using T5Sharp.Evaluation;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Formats;

/// <summary>
/// A full disk (ENOSPC) for every writer: injected through AtomicFile's seam where every file of the library is
/// written, and for real on a 2 MiB tmpfs where this machine lets the test mount one. Each ends in one message naming
/// the path, exit 2 from the CLI, and nothing half-written that looks complete.
/// </summary>
public class StorageFailureTests
{
    public static TheoryData<string> Writers => new()
    {
        "model folder", "config", "jsonl records (prepare)", "predictions (evaluate --out)", "metrics (evaluate --out)",
        "comparison report", "run options", "training arguments", "trainer state", "metrics log",
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public void EveryWriterReportsAFullDiskNamingThePathAndLeavesNothingThatLooksComplete(string writer)
    {
        using var temp = new TempDir();
        string target = temp.File("out");
        Action write = writer switch
        {
            "model folder" => () =>
            {
                using var model = LoadModel(HfModelDir("tiny-flan"));
                ModelFolder.Save(target, model.Config, model.state_dict(), tokenizerSourceDir: HfModelDir("tiny-flan"));
            },
            "config" => () => T5Config.Load(Path.Combine(HfModelDir("tiny-flan"), "config.json")).Save(target),
            "jsonl records (prepare)" => () => JsonlRecordWriter.Write(target, [[("a", "b")]]),
            "predictions (evaluate --out)" => () => PredictionsFile.Write(target, [new EvaluationExample(0, "s", ["r"], "p", new Dictionary<string, double>())]),
            "metrics (evaluate --out)" => () => MetricsFile.Write(target, new MetricsSummary(1, new Dictionary<string, double> { ["rouge1"] = 1 },
                new Dictionary<string, MetricInterval>(), 1, 1)),
            "comparison report" => () => AtomicFile.WriteAllText(target, "report"),
            "run options" => () => RunOptions.Parse(null, "test").Save(target),
            "training arguments" => () => new TrainingArguments().Save(target),
            "trainer state" => () => new TrainerState().Save(target),
            "metrics log" => () => MetricsLog.Write(target, [new LogHistoryEntry { Loss = 1, Step = 1 }]),
            _ => throw new ArgumentException(writer),
        };
        var written = new List<string>();
        using (AtomicFile.InjectFaults(path => { written.Add(path); return StorageErrors.DiskFull(path); }))
        {
            var e = Assert.Throws<StorageException>(write);
            Assert.StartsWith(written[0], e.Message);
            Assert.Contains("cannot write: no space left on the device", e.Message);
            Assert.True(CliErrors.IsUserError(e));
        }
        // no temporary file stays behind; a model folder without config.json is visibly not a model
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories), p => p.Contains(".tmp-"));
        if (Directory.Exists(target)) Assert.False(File.Exists(Path.Combine(target, "config.json")));
        else Assert.False(File.Exists(target));
    }

    [Fact]
    public void AModelFolderSavedOverAnotherIsNotCompleteUntilItsConfigIsWritten()
    {
        using var temp = new TempDir();
        using var model = LoadModel(HfModelDir("tiny-flan"));
        string dir = temp.File("m");
        ModelFolder.Save(dir, model.Config, model.state_dict());
        Assert.Empty(ModelFolder.Describe(dir).Incomplete);
        using (AtomicFile.InjectFaults(path => path.EndsWith("model.safetensors") ? StorageErrors.DiskFull(path) : null))
            Assert.Throws<StorageException>(() => ModelFolder.Save(dir, model.Config, model.state_dict()));
        Assert.False(File.Exists(Path.Combine(dir, "config.json"))); // the old config went first: the folder doesn't pass for the new model
        Assert.Contains(ModelFolder.Describe(dir).Incomplete, i => i.StartsWith("no config.json"));
    }

    [Fact]
    public void OnlyMachineFailuresBecomeUserErrors()
    {
        Assert.Equal(CliErrors.UserError, Quietly(() => CliErrors.Run(() => throw new IOException("No space left on device : '/x/y'", 28))));
        Assert.Equal(CliErrors.UserError, Quietly(() => CliErrors.Run(() => throw new IOException("Disk quota exceeded : '/x/y'", 122))));
        Assert.Equal(CliErrors.UserError, Quietly(() => CliErrors.Run(() => throw new IOException("Read-only file system : '/x/y'", 30))));
        Assert.Equal("no space left on the device: No space left on device : '/x/y'",
            CliErrors.Message(new IOException("No space left on device : '/x/y'", 28)));
        // any other IOException is a bug: it keeps its stack trace
        Assert.Throws<IOException>(() => CliErrors.Run(() => throw new IOException("broken pipe", 32)));
        Assert.Throws<InvalidOperationException>(() => CliErrors.Run(() => throw new InvalidOperationException("bug")));
    }

    static int Quietly(Func<int> run)
    {
        var stderr = Console.Error;
        try
        {
            Console.SetError(TextWriter.Null);
            return run();
        }
        finally { Console.SetError(stderr); }
    }

    /// <summary>A real full disk: a 2 MiB tmpfs (root on Linux only; elsewhere the injected faults above cover the writers).</summary>
    [Fact]
    public void OnARealFullDiskInitAndTrainSayOneLineAndLeaveNoCompleteLookingFolder()
    {
        using var temp = new TempDir();
        string disk = temp.File("disk");
        Directory.CreateDirectory(disk);
        if (!Mount(disk)) return; // cannot mount here (not root, not Linux): EveryWriterReports... covers the same paths
        try
        {
            var config = T5Config.Load(Path.Combine(SharedPaths.RealTokenizer, "config.json"));
            config.DModel = 64; config.DKv = 16; config.DFf = 128; config.NumHeads = 4; config.NumLayers = 1; config.NumDecoderLayers = 1;
            config.Save(temp.File("config.json"));      // 32128 x 64 floats: 8 MiB, four times the disk
            var init = CliRunner.Run("init", "--config", temp.File("config.json"), "--out", Path.Combine(disk, "model"),
                "--tokenizer", SharedPaths.RealTokenizer);
            Assert.Equal(2, init.ExitCode);
            AssertOneLine(init.Stderr, Path.Combine(disk, "model"));
            Assert.False(File.Exists(Path.Combine(disk, "model", "config.json")));

            // training: the model fits elsewhere, the run folder is on the full disk; the run stops with one line
            var model = CliRunner.Run("init", "--config", temp.File("config.json"), "--out", temp.File("model"), "--tokenizer", SharedPaths.RealTokenizer);
            Assert.True(model.ExitCode == 0, model.Stderr);
            string data = Training.TrainingRunEndToEndTests.WriteData(temp);
            var train = CliRunner.Run("train", "--model", temp.File("model"), "--data", data, "--source-field", "dialogue",
                "--target-field", "summary", "--output-dir", Path.Combine(disk, "run"), "--max-steps", "2", "--set", "save_steps=1");
            Assert.Equal(2, train.ExitCode);
            AssertOneLine(train.Stderr, Path.Combine(disk, "run", "checkpoint-1"));
            Assert.Contains("no checkpoint was saved", train.Stderr);
            Assert.Empty(Directory.EnumerateDirectories(Path.Combine(disk, "run")));
        }
        finally
        {
            Process.Start("umount", [disk])!.WaitForExit();
        }
    }

    static void AssertOneLine(string stderr, string path)
    {
        var error = stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(error.Count == 1, stderr);
        Assert.Contains(path, error[0]);
        Assert.Contains("no space left on the device", error[0]);
        Assert.DoesNotContain("   at ", stderr);
    }

    static bool Mount(string dir)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir])
                { RedirectStandardError = true, UseShellExecute = false })!;
            mount.WaitForExit();
            return mount.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
