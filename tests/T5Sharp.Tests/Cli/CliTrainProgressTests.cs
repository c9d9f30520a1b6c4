using System.Text.RegularExpressions;
using Spectre.Console;
using T5Sharp.Cli;
using T5Sharp.Cli.Commands;
using T5Sharp.Tests.Support;
using T5Sharp.Tests.Training;
using T5Sharp.Training;

namespace T5Sharp.Tests.Cli;

/// <summary>
/// The train verb's progress: redirected, the same plain lines as before the live panel (one step line per logging step,
/// evaluations, saves); on a terminal a Spectre.Console panel with progress, loss, learning rate, last evaluation and ETA.
/// </summary>
public class CliTrainProgressTests
{
    static readonly Regex StepLine = new(@"^step \d+/\d+ \[[#.]{20}\] epoch \d+[.,]\d\d loss \d+[.,]\d{4} lr \S+ \d+ tok/s ETA \d\d:\d\d:\d\d$");

    static TrainerState State() => new() { MaxSteps = 4, LoggingSteps = 2, NumTrainEpochs = 1, Speed = new TrainingSpeed(1234.4, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)) };

    static StepReport Step(long step) => new(step, step / 4.0, 0.5, [0.5f], 1.25f, 0.003, 0.002);

    [Fact]
    public void PlainLinesKeepTheirShape()
    {
        var text = new StringWriter();
        var progress = new TrainProgress(null, text);
        var state = State();
        int result = progress.Run(() =>
        {
            for (long s = 1; s <= 4; s++) progress.OnStepEnd(new TrainingArguments(), state, new TrainerControl(), Step(s));
            progress.OnEvaluate(new TrainingArguments(), state, new TrainerControl(), new Dictionary<string, double> { ["eval_loss"] = 0.25, ["eval_rouge1"] = 0.5 });
            return 7;
        });
        Assert.Equal(7, result);
        Assert.Equal(
            "step 2/4 [##########..........] epoch 0.50 loss 0.5000 lr 3e-3 1234 tok/s ETA 00:00:02\n" +
            "step 4/4 [####################] epoch 1.00 loss 0.5000 lr 3e-3 1234 tok/s ETA 00:00:02\n" +
            "eval at step 0: eval_loss 0.25, eval_rouge1 50.00\n", text.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void ATerminalGetsALivePanel()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.Standard, Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 120;
        var plain = new StringWriter();
        var progress = new TrainProgress(console, plain);
        var state = State();
        progress.Run(() =>
        {
            for (long s = 1; s <= 3; s++) progress.OnStepEnd(new TrainingArguments(), state, new TrainerControl(), Step(s));
            state.GlobalStep = 3;
            progress.OnEvaluate(new TrainingArguments(), state, new TrainerControl(), new Dictionary<string, double> { ["eval_loss"] = 0.25 });
            progress.Note("saved runs/x/checkpoint-3");
            return 0;
        });
        string screen = output.ToString();
        Assert.Empty(plain.ToString());
        Assert.True(screen.Contains("\u001b[", StringComparison.Ordinal), "no escape sequences: not drawn as a live display");
        Assert.Contains("3/4 (75%)", screen);
        Assert.Contains("0.5000", screen);
        Assert.Contains("3e-3", screen);
        Assert.Contains("1234 tokens/s", screen);
        Assert.Contains("ETA 00:00:02", screen);
        Assert.Contains("step 3: eval_loss 0.25", screen);
        Assert.Contains("saved runs/x/checkpoint-3", screen);
    }

    [Fact]
    public void RedirectedTrainPrintsPlainLinesAndWritesTensorBoardLogs()
    {
        using var temp = new TempDir();
        string data = TrainingRunEndToEndTests.WriteData(temp);
        string model = TrainingRunEndToEndTests.WriteModel(temp, 0.0);
        // Generation over 8 eval examples in batches of 2, every progress update printed: 4 "eval at step 4: k/8" lines.
        var train = CliRunner.RunWith(new Dictionary<string, string> { [ProgressReporter.PeriodVariable] = "0" },
            "train", "--model", model, "--data", data, "--eval-data", data, "--source-field", "dialogue",
            "--target-field", "summary", "--output-dir", temp.File("run"), "--max-steps", "4", "--batch-size", "4", "--report-to", "tensorboard",
            "--set", "logging_steps=2", "--set", "eval_strategy=steps", "--set", "eval_steps=4", "--set", "save_strategy=no",
            "--set", "predict_with_generate=true", "--set", "per_device_eval_batch_size=2", "--set", "generation_max_length=4");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.False(train.Stderr.Contains('\u001b'), "escape sequences in redirected output");
        Assert.False(train.Stderr.Contains('\r'), "carriage returns in redirected output");
        var lines = train.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Count(l => StepLine.IsMatch(l)));
        Assert.Single(lines, l => l.StartsWith("eval at step 4: eval_loss "));
        // The evaluation is heard of only after its first batch: that line has no rate (once it was one batch over a few
        // microseconds, "683760.68 examples/s"); the rate and ETA start at the second.
        var evalProgress = lines.Where(l => Regex.IsMatch(l, @"^eval at step 4: \d/8 examples")).ToArray();
        Assert.Equal(["eval at step 4: 2/8 examples (25%)"], evalProgress.Take(1));
        Assert.Matches(@"^eval at step 4: 4/8 examples \(50%\), [0-9.]+ examples/s, ETA \d:\d\d:\d\d$", evalProgress[1]);
        Assert.All(lines, l => Assert.True(StepLine.IsMatch(l) || l.StartsWith("eval at step "), l));
        string board = Assert.Single(Directory.GetDirectories(Path.Combine(temp.File("run"), "runs")));
        Assert.Contains($"TensorBoard logs in {board}", train.Stdout);
        var events = TfEventFile.Read(Assert.Single(Directory.GetFiles(board)));
        Assert.Equal([2L, 4L], events.SelectMany(e => e.Values.Where(v => v.Tag == "train/loss").Select(_ => e.Step)));
        Assert.True(File.Exists(Path.Combine(temp.File("run"), "final", "README.md")));
    }
}
