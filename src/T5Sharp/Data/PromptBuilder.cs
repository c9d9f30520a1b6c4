namespace T5Sharp.Data;

/// <summary>
/// How an input becomes the text a model receives: a prefix (a generation preset's, such as "summarize: "), then the
/// template with <c>{text}</c> standing for the input and <c>{field}</c> for the input record's fields — or the input
/// itself when there is no template. Every verb that generates (one input, a file, evaluation, chat) builds prompts here.
/// </summary>
public sealed record PromptBuilder(PromptTemplate? Template = null, string? Prefix = null)
{
    static readonly IReadOnlyDictionary<string, string?> NoFields = new Dictionary<string, string?>();

    /// <summary>The prompt for a text (an --input, a chat's context): the template with {text} filled, or the text.</summary>
    public string ForText(string text, string source = "input") =>
        ForText(text, new DataRecord(NoFields, new RecordLocation(source, 1)));

    /// <summary>The prompt for a text that came with a record: {text} is the text, other placeholders the record's fields.</summary>
    public string ForText(string text, DataRecord record)
    {
        if (Template is null) return Prefix + text;
        var withText = new Dictionary<string, string?>(record.Fields) { ["text"] = text };
        return Prefix + Template.Render(new DataRecord(withText, record.Location));
    }

    /// <summary>The prompt for an input as <see cref="PromptInputs.Read"/> gives it.</summary>
    public string For(PromptInput input) => input.IsRendered ? Prefix + input.Text : ForText(input.Text, input.Record);

    /// <summary>A source the template was already applied to (evaluation sets render it as they read): only the prefix is added.</summary>
    public string ForRendered(string source) => Prefix + source;

    /// <summary>A template as typed on a shell: the escapes \n and \t stand for a newline and a tab.</summary>
    public static string Unescape(string typed) => typed.Replace("\\n", "\n").Replace("\\t", "\t");

    /// <summary>A template typed on a shell (see <see cref="Unescape"/>); null for none.</summary>
    public static PromptTemplate? TypedTemplate(string? typed) => typed is null ? null : new PromptTemplate(Unescape(typed));
}
