using System.Text.Json;
using System.Text.RegularExpressions;

namespace T5Sharp.Tests.Server;

/// <summary>Strict Server-Sent Events parsing: the body must be nothing but <c>data: {payload}</c> events, each ended by a blank line.</summary>
static class SseParser
{
    public static List<string> Events(string body)
    {
        Assert.Matches(new Regex(@"\A(data: [^\n]+\n\n)+\z"), body);
        return Regex.Matches(body, @"data: ([^\n]+)\n\n").Select(m => m.Groups[1].Value).ToList();
    }

    /// <summary>OpenAI framing: JSON chunks, then exactly one final <c>[DONE]</c>.</summary>
    public static List<JsonElement> OpenAi(string body)
    {
        var events = Events(body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain("[DONE]", events[..^1]);
        return events[..^1].Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
    }
}
