namespace T5Sharp.Tokenization;

/// <summary>Python's notion of whitespace (str.isspace / strip), which HF's tokenizer code uses around added tokens.</summary>
internal static class PythonText
{
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\x1c' && c <= '\x1f');

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
