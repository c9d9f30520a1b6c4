namespace T5Sharp.Evaluation;

/// <summary>Python <c>str</c> whitespace semantics (<c>split()</c>, <c>rstrip()</c>), which sacrebleu relies on.</summary>
internal static class PyText
{
    /// <summary>Python's <c>str.isspace</c> for one char: .NET's set plus the separators U+001C..U+001F.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\x1c' && c <= '\x1f');

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

    public static string RStrip(string s)
    {
        int end = s.Length;
        while (end > 0 && IsSpace(s[end - 1])) end--;
        return s[..end];
    }
}
