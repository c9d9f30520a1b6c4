using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace T5Sharp.Cli;

/// <summary>
/// The progress of one piece of long work (score, generate, evaluate, compare, training-time evaluation), on stderr so
/// that stdout stays clean data: a live bar with rate and ETA (Spectre.Console) when stderr is a terminal, otherwise a
/// plain line at the first update, then at most every <see cref="PeriodVariable"/> seconds (default 10; 0 prints every
/// update), and at the end. Every verb uses this one type.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    /// <summary>Environment variable: seconds between plain progress lines when stderr is redirected.</summary>
    public const string PeriodVariable = "T5SHARP_PROGRESS_SECONDS";

    readonly string _label, _unit;
    readonly int _total;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TimeSpan _period;
    readonly LiveBar? _live;
    readonly bool _clockFromFirstReport;
    TimeSpan _lastLine = TimeSpan.MinValue;
    int _done, _lastPrinted = -1, _firstDone = -1;

    ProgressReporter(string label, int total, string unit, bool clockFromFirstReport)
    {
        (_label, _total, _unit, _clockFromFirstReport) = (label, total, unit, clockFromFirstReport);
        _period = TimeSpan.FromSeconds(PeriodSeconds());
        if (!Console.IsErrorRedirected && total > 0) _live = new LiveBar(label, total);
    }

    /// <summary>Starts reporting <paramref name="total"/> units of work (e.g. examples) under <paramref name="label"/>.</summary>
    public static ProgressReporter Start(string label, int total, string unit = "examples") => new(label, total, unit, false);

    /// <summary>For work first heard of after its first batch (a callback after each batch): the rate counts from the
    /// first report, so the first line has no rate rather than one batch over a few microseconds.</summary>
    public static ProgressReporter StartAtFirstReport(string label, int total, string unit = "examples") => new(label, total, unit, true);

    /// <summary>Units done so far (absolute, not an increment).</summary>
    public void Report(int done)
    {
        if (_firstDone < 0)
        {
            _firstDone = _clockFromFirstReport ? done : 0;
            if (_clockFromFirstReport) _clock.Restart();
        }
        _done = done;
        if (_live is not null)
        {
            _live.Update(done, Rate());
            return;
        }
        var now = _clock.Elapsed;
        if (done >= _total || _lastLine == TimeSpan.MinValue || now - _lastLine >= _period) PrintLine(now);
    }

    /// <summary>A message between progress updates (a live bar is finished first, as messages don't mix with it).</summary>
    public void Note(string text)
    {
        _live?.Stop();
        Console.Error.WriteLine(text);
    }

    /// <summary>Units per second since the clock started; null while nothing was timed (only the first report of
    /// <see cref="StartAtFirstReport"/>).</summary>
    double? Rate()
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        int timed = _done - Math.Max(_firstDone, 0);
        if (_clockFromFirstReport && timed <= 0) return null;
        return seconds > 0 ? timed / seconds : 0;
    }

    void PrintLine(TimeSpan now)
    {
        if (_done == _lastPrinted) return;
        _lastLine = now;
        _lastPrinted = _done;
        Console.Error.WriteLine(Line(_label, _done, _total, _unit, Rate()));
    }

    /// <summary>"score: 8/20 examples (40%), 3.2 examples/s, ETA 0:00:04" (without rate and ETA when the rate is unknown).</summary>
    internal static string Line(string label, int done, int total, string unit, double? rate)
    {
        var inv = CultureInfo.InvariantCulture;
        string percent = total > 0 ? string.Format(inv, " ({0:0}%)", 100.0 * done / total) : "";
        if (rate is not { } r) return string.Format(inv, "{0}: {1}/{2} {3}{4}", label, done, total, unit, percent);
        string eta = r > 0 && done < total ? ", ETA " + TimeSpan.FromSeconds(Math.Ceiling((total - done) / r)).ToString(@"h\:mm\:ss", inv) : "";
        return string.Format(inv, "{0}: {1}/{2} {3}{4}, {5:0.0#} {3}/s{6}", label, done, total, unit, percent, r, eta);
    }

    static double PeriodSeconds()
    {
        string? text = Environment.GetEnvironmentVariable(PeriodVariable);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 ? s : 10;
    }

    public void Dispose()
    {
        if (_live is not null) _live.Stop();
        else if (_done != _lastPrinted && _done > 0) PrintLine(_clock.Elapsed);
    }

    /// <summary>Spectre.Console's progress display runs its own render loop; this drives it from pushed updates.</summary>
    sealed class LiveBar
    {
        readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly TaskCompletionSource<ProgressTask> _task = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly Task _render;
        readonly string _label;

        public LiveBar(string label, int total)
        {
            _label = label;
            // Interactive: stderr is a terminal (checked by the caller) even when stdout is redirected to a file of results.
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes, Ansi = AnsiSupport.Detect,
            });
            _render = console.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    _task.SetResult(ctx.AddTask(Markup.Escape(label), maxValue: total));
                    await _finished.Task;
                    ctx.Refresh();
                });
        }

        public void Update(int done, double? rate)
        {
            if (!_task.Task.Wait(TimeSpan.FromSeconds(5))) return;
            var task = _task.Task.Result;
            task.Value = done;
            string speed = rate is { } r ? string.Format(CultureInfo.InvariantCulture, " {0:0.0#}/s", r) : "";
            task.Description = Markup.Escape($"{_label} {done}/{(int)task.MaxValue}{speed}");
        }

        public void Stop()
        {
            if (_finished.Task.IsCompleted) return;
            _finished.TrySetResult();
            try { _render.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        }
    }
}
