using System.Text.RegularExpressions;
using T5Sharp.Tokenization;

namespace T5Sharp.Evaluation;

/// <summary>
/// sacrebleu's default BLEU tokenizer "13a" (mteval-v13a.pl): drop "&lt;skipped&gt;", join "-\n" hyphenations, turn
/// newlines into spaces, unescape four HTML entities, then split off punctuation and symbols, split '.' and ','
/// except between digits, split '-' after a digit, and collapse whitespace.
/// </summary>
public static partial class Tokenizer13a
{
    // {|}~  [\]^_`  space!"#$%&  ()*+  :;<=>?@  /
    [GeneratedRegex(@"([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40\x2F])")]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([\.,])")]
    private static partial Regex PeriodCommaAfterNonDigit();

    [GeneratedRegex(@"([\.,])([^0-9])")]
    private static partial Regex PeriodCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)")]
    private static partial Regex DashAfterDigit();

    /// <summary>Tokenizes one line; tokens are separated by single spaces.</summary>
    public static string Tokenize(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = line.Replace("<skipped>", "").Replace("-\n", "").Replace("\n", " ");
        if (line.Contains('&'))
            line = line.Replace("&quot;", "\"").Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">");
        line = " " + line + " ";
        line = Symbols().Replace(line, " $1 ");
        line = PeriodCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', PythonText.Split(line));
    }
}
