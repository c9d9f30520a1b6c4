using System.Text.Json;
using System.Text.RegularExpressions;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// report_to tensorboard: the event files, read back by the test's own decoder (TFRecord framing with both masked CRC32C
/// checks, then the Event protobuf), hold exactly metrics.jsonl's values under transformers' TensorBoardCallback tags.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public class TensorBoardTests(RunTrackingFixture run) : IClassFixture<RunTrackingFixture>
{
    static IReadOnlyList<TfEventFile.Event> Events(string logDir)
    {
        var files = Directory.GetFiles(logDir, "*tfevents*");
        Assert.Single(files);
        return TfEventFile.Read(files[0]);
    }

    [Fact]
    public void CrcIsCastagnoli()
    {
        // the CRC-32C check value (RFC 3720) and TFRecord's mask of it, so the decoder's checks mean something
        Assert.Equal(0xE3069283u, TfEventFile.Crc32C("123456789"u8));
        Assert.Equal(((0xE3069283u >> 15) | (0xE3069283u << 17)) + 0xa282ead8u, TfEventFile.MaskedCrc32C("123456789"u8));
    }

    [Fact]
    public void DefaultLoggingDirIsHfsRunsDateHost()
    {
        string runs = Path.Combine(run.OutputDir, "runs");
        string dir = Assert.Single(Directory.GetDirectories(runs));
        Assert.Matches(new Regex(@"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\d\d_\d\d-\d\d-\d\d_" + Regex.Escape(System.Net.Dns.GetHostName()) + "$"),
            Path.GetFileName(dir));
        Assert.Equal(dir, run.Options.Training.LoggingDir);
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.OutputDir, RunOptions.FileName)));
        Assert.Equal(dir, saved.RootElement.GetProperty("logging_dir").GetString());
        Assert.Equal("tensorboard", saved.RootElement.GetProperty("report_to").GetString()); // as written
        Assert.Equal("Dec01_23-45-12_box", Path.GetFileName(TensorBoardCallback.DefaultLogDir("out", new DateTime(2026, 12, 1, 23, 45, 12), "box")));
    }

    [Fact]
    public void EventsHoldMetricsJsonlUnderHfTags()
    {
        var events = Events(run.Options.Training.LoggingDir!);
        Assert.Equal("brain.Event:2", events[0].FileVersion);

        // every number of every metrics.jsonl line (but its step), at that step, under rewrite_logs' name
        var expected = new List<(string Tag, long Step, float Value)>();
        foreach (string line in File.ReadAllLines(Path.Combine(run.OutputDir, MetricsLog.FileName)))
        {
            using var entry = JsonDocument.Parse(line);
            long step = entry.RootElement.GetProperty("step").GetInt64();
            foreach (var p in entry.RootElement.EnumerateObject().Where(p => p.Name != "step"))
                expected.Add((p.Name.StartsWith("eval_") ? "eval/" + p.Name[5..] : "train/" + p.Name, step, (float)p.Value.GetDouble()));
        }
        var scalars = events.SelectMany(e => e.Values.Where(v => v.SimpleValue is not null).Select(v => (v.Tag, e.Step, v.SimpleValue!.Value))).ToList();
        var logged = scalars;
        Assert.Equal(expected.OrderBy(x => x.Tag).ThenBy(x => x.Step), logged.OrderBy(x => x.Tag).ThenBy(x => x.Step));

        // the tags the brief names, at the steps they were logged: training every 2 steps, evaluations at 0, 3 and 6
        var history = run.Result.State.LogHistory;
        Assert.Equal(history.Where(e => e.Loss is not null).Select(e => (e.Step, (float)e.Loss!.Value)),
            logged.Where(s => s.Tag == "train/loss").Select(s => (s.Step, s.Value)));
        Assert.Equal([2L, 4L, 6L], logged.Where(s => s.Tag == "train/learning_rate").Select(s => s.Step));
        Assert.Equal([2L, 4L, 6L], logged.Where(s => s.Tag == "train/grad_norm").Select(s => s.Step));
        Assert.Equal([0L, 3L, 6L], logged.Where(s => s.Tag == "eval/loss").Select(s => s.Step));
        Assert.Equal(run.Result.Evaluations.Select(e => (float)e.Evaluation.Metrics["eval_rouge1"]),
            logged.Where(s => s.Tag == "eval/rouge1").Select(s => s.Value));
        Assert.Contains(logged, s => s.Tag == "train/epoch" && s.Step == 6);
        Assert.Contains(logged, s => s.Tag == "train/train_loss" && s.Step == 6);
        var speed = scalars.Where(s => s.Tag == TensorBoardCallback.TokensPerSecondTag).ToList();
        Assert.Equal([2L, 4L, 6L], speed.Select(s => s.Step));
        Assert.All(speed, s => Assert.True(s.Value > 0));

        // wall times are Unix seconds of this run
        double now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(events.Where(e => e.Values.Count > 0), e => Assert.InRange(e.WallTime, now - 600, now + 5));
    }

    [Fact]
    public void ArgsAndModelConfigAreTextSummaries()
    {
        var texts = Events(run.Options.Training.LoggingDir!).SelectMany(e => e.Values).Where(v => v.Text is not null).ToList();
        var args = Assert.Single(texts, v => v.Tag == "args/text_summary");
        Assert.Equal("text", args.PluginName);
        using var json = JsonDocument.Parse(args.Text!);
        Assert.Equal(0.003, json.RootElement.GetProperty("learning_rate").GetDouble());
        Assert.Equal(6, json.RootElement.GetProperty("max_steps").GetInt64());
        var config = Assert.Single(texts, v => v.Tag == "model_config/text_summary");
        using var configJson = JsonDocument.Parse(config.Text!);
        Assert.Equal(64, configJson.RootElement.GetProperty("d_model").GetInt32());
    }

    [Theory]
    [InlineData("\"tensorboard\"", true)]
    [InlineData("[\"tensorboard\"]", true)]
    [InlineData("\"all\"", true)]
    [InlineData("\"none\"", false)]
    [InlineData("[]", false)]
    public void ReportToTakesHfsForms(string value, bool tensorBoard)
    {
        var options = RunOptions.Parse(null, "test", [$"report_to={value}"]);
        Assert.Equal(tensorBoard, options.Training.ReportsToTensorBoard);
        Assert.False(RunOptions.Parse(null, "test").Training.ReportsToTensorBoard);
    }

    [Theory]
    [InlineData("[\"tensorbord\"]", "tensorbord")]
    [InlineData("5", "5")]
    [InlineData("[\"tensorboard\", 1]", "1")]
    public void AWrongReportToIsNamed(string value, string named)
    {
        var e = Assert.Throws<TrainingException>(() => RunOptions.Parse(null, "run.json", [$"report_to={value}"]));
        Assert.StartsWith("run.json: ", e.Message);
        Assert.Contains("report_to", e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void ACancelledRunLeavesWholeEventsInTheGivenLoggingDir()
    {
        using var temp = new TempDir();
        string data = TrainingRunEndToEndTests.WriteData(temp);
        var options = TrainingRunEndToEndTests.Options(TrainingRunEndToEndTests.WriteModel(temp, 0.0), data, temp.File("run"),
            "max_steps=10", "report_to=tensorboard", $"logging_dir={JsonSerializer.Serialize(temp.File("board"))}");
        using var pretrained = PretrainedT5.Load(options.Model!);
        using var cancel = new CancellationTokenSource();
        var trainer = new Seq2SeqTrainer(options, pretrained, [new CancelAt(3, cancel)]);
        var result = trainer.Train(cancellation: cancel.Token);
        Assert.True(result.Cancelled);
        Assert.False(Directory.Exists(Path.Combine(temp.File("run"), "runs")));
        var losses = Events(temp.File("board")).SelectMany(e => e.Values.Where(v => v.Tag == "train/loss").Select(_ => e.Step)).ToList();
        Assert.Equal([1L, 2L, 3L], losses);
    }

    sealed class CancelAt(long step, CancellationTokenSource source) : ITrainerCallback
    {
        public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport report)
        {
            if (report.GlobalStep == step) source.Cancel();
        }
    }
}
