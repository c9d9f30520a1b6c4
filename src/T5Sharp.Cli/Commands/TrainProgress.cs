using Spectre.Console;
using Spectre.Console.Rendering;
using T5Sharp.Training;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// The trainer's progress on stderr. On a terminal a live panel (Spectre.Console) redrawn at every step: progress bar,
/// step and epoch, loss, learning rate, tokens/s, elapsed time and ETA, the last evaluation and the latest notes (saved
/// checkpoints, pushes). Redirected, plain lines as ever: one step line every logging_steps (and at the last step), then
/// evaluations, saves and notes as they happen — what scripts and CI logs read.
/// </summary>
public sealed class TrainProgress : ITrainerCallback
{
    const int NotesShown = 4;

    readonly IAnsiConsole? _console;
    readonly TextWriter _plain;
    readonly List<string> _notes = [];
    readonly object _gate = new();
    LiveDisplayContext? _live;
    StepReport? _step;
    TrainerState? _state;
    string? _lastEvaluation;
    (int Done, int Total)? _prediction;
    ProgressReporter? _plainPrediction;

    /// <param name="live">The terminal to draw the panel on; null for plain lines.</param>
    /// <param name="plain">Where plain lines go (and notes outside a live panel).</param>
    public TrainProgress(IAnsiConsole? live, TextWriter plain) => (_console, _plain) = (live, plain);

    /// <summary>A live panel when stderr is a terminal, else plain lines on stderr.</summary>
    public static TrainProgress ForStderr() => new(Console.IsErrorRedirected ? null
        : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.Error);

    /// <summary>Runs the training inside the live panel (or just runs it, for plain lines); the last frame stays on screen.</summary>
    public T Run<T>(Func<T> work)
    {
        if (_console is null) return work();
        return _console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Start(context =>
        {
            lock (_gate) _live = context;
            try
            {
                return work();
            }
            finally
            {
                lock (_gate)
                {
                    context.UpdateTarget(Render());
                    _live = null;
                }
            }
        });
    }

    public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step)
    {
        lock (_gate)
        {
            (_step, _state) = (step, state);
            if (_live is not null) Redraw();
            else if (step.GlobalStep % state.LoggingSteps == 0 || step.GlobalStep == state.MaxSteps) _plain.WriteLine(StepLine(state, step));
        }
    }

    public void OnEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> metrics)
    {
        string text = string.Join(", ", metrics.Select(kv => $"{kv.Key} {TrainCommand.Format(kv.Key, kv.Value)}"));
        lock (_gate)
        {
            _lastEvaluation = $"step {state.GlobalStep}: {text}";
            if (_live is not null) Redraw();
            else _plain.WriteLine($"eval at step {state.GlobalStep}: " + text);
        }
    }

    public void OnSave(TrainingArguments args, TrainerState state, TrainerControl control, string checkpointDir) => Note($"saved {checkpointDir}");

    // Training-time evaluation (generation over the eval set) can take minutes: a row of the panel, or the shared
    // reporter's periodic plain lines.
    public void OnPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control, int done, int total)
    {
        lock (_gate)
        {
            if (_live is not null)
            {
                _prediction = done < total ? (done, total) : null;
                Redraw();
                return;
            }
            _plainPrediction ??= ProgressReporter.StartAtFirstReport($"eval at step {state.GlobalStep}", total);
            _plainPrediction.Report(done);
            if (done < total) return;
            _plainPrediction.Dispose();
            _plainPrediction = null;
        }
    }

    /// <summary>A line of news: into the panel while it is live, else on its own line. Pushes call this from their own thread.</summary>
    public void Note(string text)
    {
        lock (_gate)
        {
            if (_live is null)
            {
                _plain.WriteLine(text);
                return;
            }
            _notes.Add(text);
            if (_notes.Count > NotesShown) _notes.RemoveAt(0);
            Redraw();
        }
    }

    /// <summary>The plain step line (unchanged from before the panel: scripts parse it).</summary>
    public static string StepLine(TrainerState state, StepReport step)
    {
        var speed = state.Speed;
        return $"step {step.GlobalStep}/{state.MaxSteps} {Bar(step.GlobalStep, state.MaxSteps)} epoch {step.Epoch:0.00} " +
               $"loss {step.Loss:0.0000} lr {step.LearningRateUsed:0.###e+0} {speed?.TokensPerSecond:0} tok/s ETA {speed?.Eta:hh\\:mm\\:ss}";
    }

    static string Bar(long done, long total)
    {
        int filled = total <= 0 ? 0 : (int)(20 * Math.Min(done, total) / total);
        return "[" + new string('#', filled) + new string('.', 20 - filled) + "]";
    }

    void Redraw()
    {
        _live!.UpdateTarget(Render());
        _live.Refresh();
    }

    IRenderable Render()
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string label, IRenderable value) => grid.AddRow(new Markup($"[bold]{label}[/]"), value);
        if (_step is { } step && _state is { } state)
        {
            double fraction = state.MaxSteps <= 0 ? 0 : Math.Min(1.0, (double)step.GlobalStep / state.MaxSteps);
            int filled = (int)Math.Round(30 * fraction);
            Row("progress", new Markup($"[green]{new string('━', filled)}[/][grey]{new string('━', 30 - filled)}[/] " +
                                       $"{step.GlobalStep}/{state.MaxSteps} ({100 * fraction:0}%)"));
            Row("epoch", new Text($"{step.Epoch:0.00} of {state.NumTrainEpochs}"));
            Row("loss", new Text($"{step.Loss:0.0000}" + (step.GradNorm is { } norm ? $"   grad norm {norm:0.###}" : "")));
            Row("learning rate", new Text($"{step.LearningRateUsed:0.###e+0}"));
            if (state.Speed is { } speed)
            {
                Row("speed", new Text($"{speed.TokensPerSecond:0} tokens/s"));
                Row("time", new Text($"{speed.Elapsed:hh\\:mm\\:ss} elapsed, ETA {speed.Eta:hh\\:mm\\:ss}"));
            }
        }
        else Row("progress", new Text("starting ..."));
        if (_prediction is { } p) Row("evaluating", new Text($"{p.Done}/{p.Total} examples"));
        if (_lastEvaluation is not null) Row("last evaluation", new Text(_lastEvaluation));
        foreach (string note in _notes) Row("", new Text(note, new Style(Color.Grey)));
        return new Panel(grid).Header("t5sharp train").Border(BoxBorder.Rounded).Expand();
    }
}
