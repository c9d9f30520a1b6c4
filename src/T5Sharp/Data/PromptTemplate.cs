using System.Text;

namespace T5Sharp.Data;

/// <summary>
/// A prompt with <c>{field}</c> placeholders filled from a record, like Python's <c>str.format(**record)</c> (the way
/// HF's training scripts build prompts): <c>{{</c> and <c>}}</c> stand for literal braces. Format specs are not supported.
/// </summary>
public sealed class PromptTemplate
{
    // The template as alternating parts: literal text (Field == null) and placeholders.
    readonly List<(string? Field, string Text)> _parts = [];

    public string Text { get; }
    /// <summary>The field names the template uses, in order of first use.</summary>
    public IReadOnlyList<string> Fields { get; }

    public PromptTemplate(string text)
    {
        Text = text ?? throw new ArgumentNullException(nameof(text));
        var literal = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{') { literal.Append('{'); i++; }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}') { literal.Append('}'); i++; }
            else if (c == '}') throw new ArgumentException($"prompt template: single '}}' at position {i} (write '}}}}' for a literal brace): {text}");
            else if (c == '{')
            {
                int close = text.IndexOf('}', i + 1);
                if (close < 0) throw new ArgumentException($"prompt template: '{{' at position {i} is never closed (write '{{{{' for a literal brace): {text}");
                string name = text[(i + 1)..close];
                if (name.Length == 0 || name.IndexOfAny(['{', ':', '!']) >= 0)
                    throw new ArgumentException($"prompt template: placeholder '{{{name}}}' at position {i} is not a field name: {text}");
                if (literal.Length > 0) { _parts.Add((null, literal.ToString())); literal.Clear(); }
                _parts.Add((name, ""));
                i = close;
            }
            else literal.Append(c);
        }
        if (literal.Length > 0) _parts.Add((null, literal.ToString()));
        Fields = _parts.Where(p => p.Field != null).Select(p => p.Field!).Distinct().ToArray();
    }

    /// <summary>The prompt for <paramref name="record"/>; a missing or null field names the record's file and line.</summary>
    public string Render(DataRecord record)
    {
        var sb = new StringBuilder();
        foreach (var (field, text) in _parts)
            sb.Append(field is null ? text : record.Get(field));
        return sb.ToString();
    }

    public override string ToString() => Text;
}
