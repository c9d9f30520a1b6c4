using T5Sharp.Data;

namespace T5Sharp.Cli;

/// <summary>
/// Says on stderr what tokenizing cut, once per verb run, so no input is shortened silently (transformers warns too).
/// Every verb that tokenizes prints through this, from the library's one <see cref="TruncationTally"/>.
/// </summary>
public static class TruncationNotice
{
    /// <param name="hint">The options that set the limits, e.g. "--max-source-length".</param>
    public static void Print(string verb, TruncationReport report, string hint, string sources = "inputs", string targets = "targets")
    {
        if (report.Notice(sources, targets) is { } notice)
            Console.Error.WriteLine($"{verb}: {notice}; {hint} sets the limit");
    }
}
