using T5Sharp.Pretrained;

namespace T5Sharp.Generation;

/// <summary>
/// A chat bot over a model: each message joins the rolling <see cref="ConversationContext"/>, the context goes through
/// the prompt template, the reply is generated (streamed when asked) and joins the context too.
/// </summary>
public sealed class ChatSession(PretrainedT5 pretrained, GenerationConfig config, Func<string, string> format,
    ConversationContext context, string userName = "User", string botName = "Bot")
{
    public ConversationContext Context { get; } = context;

    /// <summary>The bot's reply to <paramref name="message"/>; <paramref name="onText"/> receives it piece by piece as it is generated.</summary>
    public string Reply(string message, Action<string>? onText = null)
    {
        Context.Add(userName, message);
        string prompt = Context.BuildPrompt(pretrained.Tokenizer, format);
        var streamer = onText is null || config.NumBeams > 1 ? null : new TextStreamer(pretrained.Tokenizer, onText);
        string reply = TextGenerator.Generate(pretrained, [prompt], config with { NumReturnSequences = 1 }, batchSize: 1,
            streamer: streamer)[0];
        if (streamer is null) onText?.Invoke(reply);
        Context.Add(botName, reply);
        return reply;
    }
}
