using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Generation;

namespace T5Sharp.Server;

/// <summary>
/// A chat request's messages as the model's input: "Name: text" lines, newest last (as `generate --interactive` and the
/// Telegram converter write them; a message's name, else its role: user → User, assistant → Bot, system → System),
/// through --chat-template ({text} is the lines); the oldest messages are dropped to fit --max-input-tokens.
/// </summary>
public static class ChatPrompt
{
    public static string Build(JsonFields fields, ServedModel model, ServerOptions options)
    {
        if (fields.Get("messages") is not { ValueKind: JsonValueKind.Array } messages || messages.GetArrayLength() == 0)
            throw ApiException.BadRequest("'messages' must be a non-empty list", "messages");
        var context = new ConversationContext(messages.GetArrayLength(), options.MaxInputTokens);
        int i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            var f = JsonFields.Of(m, $"messages[{i}]");
            string role = f.String("role") ?? throw ApiException.BadRequest($"messages[{i}].role is required", "messages");
            string content = f.String("content") ?? throw ApiException.BadRequest($"messages[{i}].content must be a string", "messages");
            string speaker = f.String("name") ?? role switch
            {
                "user" => "User",
                "assistant" => "Bot",
                "system" or "developer" => "System",
                _ => throw ApiException.BadRequest($"messages[{i}].role must be user, assistant or system, got '{role}'", "messages"),
            };
            context.Add(speaker, content);
            i++;
        }
        var builder = new PromptBuilder(PromptBuilder.TypedTemplate(options.ChatTemplate));
        return context.BuildPrompt(model.Pretrained.Tokenizer, text => builder.ForText(text, "--chat-template"));
    }
}
