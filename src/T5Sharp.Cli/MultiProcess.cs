using System.CommandLine;
using System.CommandLine.Parsing;
using T5Sharp.Distributed;

namespace T5Sharp.Cli;

/// <summary>
/// A command line started by <c>mpirun</c>: MPI is initialised before libtorch (so that a missing Open MPI is the first
/// thing a user reads, and each rank takes its share of the cores), and only the verbs that divide their work across
/// ranks may run on more than one; any other verb would do the same work N times and write the same files at once.
/// </summary>
public static class MultiProcess
{
    /// <summary>The verbs that share their work across the ranks of an MPI launch.</summary>
    public const string SharedVerbs = "train, evaluate and generate --input-file";

    /// <summary>Initialises MPI under an MPI launch; returns the libtorch thread count for this rank (null: a plain run).</summary>
    public static int? Start(ParseResult parse)
    {
        // help, version and usage errors print text only
        if (parse.Errors.Count > 0 || parse.Action is null || parse.Action != parse.CommandResult.Command.Action) return null;
        var launch = MpiLaunch.FromEnvironment();
        if (launch is null) return null;
        // Open MPI hands each rank's stdout to a pseudo-terminal that it copies to mpirun's stdout (often a file: `> out.jsonl`);
        // .NET, seeing a terminal, would write the terminal's keypad-mode sequence (ESC[?1h ESC=) before the first output
        // line. A terminal without capabilities has none; nothing here draws on the terminal (progress goes to stderr).
        if (!Console.IsOutputRedirected) Environment.SetEnvironmentVariable("TERM", "dumb");
        if (launch.Size > 1 && !SharesWork(parse))
            throw new DistributedException(
                $"'{LibTorchUse.VerbPath(parse.CommandResult.Command)}' runs in one process; under mpirun (here {launch.Size} ranks) " +
                $"only {SharedVerbs} divide their work across ranks");
        _ = DistributedWorld.Current;
        return launch.ThreadsPerRank(Environment.ProcessorCount);
    }

    static bool SharesWork(ParseResult parse) => LibTorchUse.VerbPath(parse.CommandResult.Command) switch
    {
        "train" or "evaluate" => true,
        "generate" => parse.GetResult("--input-file") is OptionResult { Implicit: false },
        _ => false,
    };
}
