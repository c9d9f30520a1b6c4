namespace T5Sharp.Evaluation;

/// <summary>
/// The names of rougeLsum's two ways to find sentences, as metrics.json and the CLI spell them: "sentences" splits with
/// <see cref="SentenceSplitter"/> (HF's summarization scripts split with nltk before scoring), "newline" only at "\n"
/// (what <c>evaluate.load("rouge")</c> does with the texts as given).
/// </summary>
public static class SentenceSplit
{
    public const string Sentences = "sentences";
    public const string Newline = "newline";

    public static string Name(bool splitSentences) => splitSentences ? Sentences : Newline;

    /// <exception cref="ArgumentException">Neither name.</exception>
    public static bool Parse(string name) => name switch
    {
        Sentences => true,
        Newline => false,
        _ => throw new ArgumentException($"the rougeLsum split must be '{Sentences}' or '{Newline}', got '{name}'"),
    };
}
