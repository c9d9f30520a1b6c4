using System.CommandLine;
using System.CommandLine.Parsing;

namespace T5Sharp.Cli;

/// <summary>
/// Which command lines need libtorch. Loading it (TorchSharp's native library and the ~0.5 GB libtorch_cpu) and preparing
/// it takes about a second, so the verbs that only read and write text, JSON and file headers run without it. Every other
/// command line, including any verb added later, needs it: Program runs <see cref="Runtime.TorchRuntime.Initialize"/>
/// on the main thread before the verb's action, i.e. before its first tensor operation, as TorchRuntime requires.
/// </summary>
public static class LibTorchUse
{
    public static bool Needed(ParseResult parse)
    {
        // --help, --version and usage errors only print text; so does a command without an action (it asks for a subcommand).
        if (parse.Errors.Count > 0 || parse.Action is null || parse.Action != parse.CommandResult.Command.Action) return false;
        return VerbPath(parse.CommandResult.Command) switch
        {
            "tokenize" or "prepare telegram" or "prepare yahoo" or "push" or "report" => false,
            "info" => Given(parse, "--adapter"),          // the folder's headers only; the adapter's report builds the model
            "lora info" => Given(parse, "--model"),       // likewise
            "evaluate" => !Given(parse, "--predictions"), // scoring existing outputs is text only
            "compare" => Given(parse, "--system"),        // only --system-predictions: text only
            _ => true,
        };
    }

    /// <summary>The verb's words after the program name: "lora info".</summary>
    internal static string VerbPath(Command command)
    {
        var words = new List<string>();
        for (Symbol? s = command; s?.Parents.FirstOrDefault() is not null; s = s.Parents.FirstOrDefault()) words.Insert(0, s.Name);
        return string.Join(' ', words);
    }

    static bool Given(ParseResult parse, string option) => parse.GetResult(option) is OptionResult { Implicit: false };
}
