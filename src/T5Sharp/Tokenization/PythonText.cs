namespace T5Sharp.Tokenization;

/// <summary>
/// Python <c>str</c> whitespace semantics (<c>isspace</c>, <c>split()</c>, <c>strip()</c>): HF's tokenizer code uses them
/// around added tokens, sacrebleu's tokenizers when splitting words.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace</c> for one char: .NET's set plus the separators U+001C..U+001F.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\x1c' && c <= '\x1f');

    /// <summary>Python's <c>str.split()</c> with no argument: runs of whitespace separate, no empty parts.</summary>
    public static string[] Split(string s)
    {
        var parts = new List<string>();
        int start = -1;
        for (int i = 0; i <= s.Length; i++)
        {
            bool space = i == s.Length || IsSpace(s[i]);
            if (!space) { if (start < 0) start = i; }
            else if (start >= 0) { parts.Add(s[start..i]); start = -1; }
        }
        return parts.ToArray();
    }

    public static string LStrip(string s)
    {
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        return i == 0 ? s : s[i..];
    }

    public static string RStrip(string s)
    {
        int e = s.Length;
        while (e > 0 && IsSpace(s[e - 1])) e--;
        return e == s.Length ? s : s[..e];
    }

    public static string Strip(string s) => LStrip(RStrip(s));
}
