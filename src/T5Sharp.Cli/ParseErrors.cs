using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;

namespace T5Sharp.Cli;

/// <summary>
/// What the command line itself got wrong (an unknown option, a missing required one, a value of the wrong type):
/// the first error in one line, a pointer to the verb's --help, and exit code 2, as for every other user error.
/// </summary>
public static partial class ParseErrors
{
    /// <summary>The exit code when the command line has errors (after printing them), else null.</summary>
    public static int? Report(ParseResult parse)
    {
        if (parse.Errors.Count == 0) return null;
        // --help and --version answer even when the rest of the line is incomplete
        if (parse.Action is HelpAction || parse.Tokens.Any(t => t.Value == "--version")) return null;
        var command = parse.CommandResult.Command;
        string path = string.Join(' ', Ancestry(parse.CommandResult).Reverse());
        if (command.Parents.Any() is false && parse.Tokens.Count == 0)
        {
            // `t5sharp` alone: the list of verbs is the useful answer
            Console.Error.WriteLine($"error: give a verb; '{path} --help' lists them");
            return CliErrors.UserError;
        }
        // A mistyped word explains the rest (e.g. "Required command was not provided" after an unknown verb).
        var first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        Console.Error.WriteLine($"error: {UserWords(first.Message)} See '{path} --help'.");
        return CliErrors.UserError;
    }

    /// <summary>System.CommandLine's message in the user's words: no .NET type names, on one line.</summary>
    internal static string UserWords(string message)
    {
        message = TypeName().Replace(message, m => "as " + Describe(m.Groups[1].Value));
        message = string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return message.EndsWith('.') ? message : message + ".";
    }

    static string Describe(string type) => type.Replace("System.Nullable`1[", "").TrimEnd(']') switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.UInt32" or "System.UInt64" => "a whole number of 0 or more",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        _ => "a value of the right kind",
    };

    [GeneratedRegex(@"as expected type '([^']+)'")]
    private static partial Regex TypeName();

    static IEnumerable<string> Ancestry(System.CommandLine.Parsing.SymbolResult? result)
    {
        for (; result is not null; result = result.Parent)
            if (result is System.CommandLine.Parsing.CommandResult c) yield return c.Command.Name;
    }
}
