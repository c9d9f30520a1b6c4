using T5Sharp.Data;
using T5Sharp.Data.Converters;
using T5Sharp.Data.Readers;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Data;

/// <summary>A hand-written Telegram Desktop export that covers every rule of the converter.</summary>
public class TelegramExportConverterTests
{
    // Session A: 10:00-10:05 (a service message and a photo without caption in between); 175 minutes later, session B.
    const string Messages = """
        [
          {"id": 1, "type": "message", "date": "2024-03-01T10:00:00", "date_unixtime": "1709287200", "from": "Alice", "from_id": "user1", "text": "Hi Bob"},
          {"id": 2, "type": "message", "date": "2024-03-01T10:01:00", "date_unixtime": "1709287260", "from": "Bob", "from_id": "user2",
           "text": ["Hello ", {"type": "bold", "text": "Alice"}, "!"]},
          {"id": 3, "type": "service", "date": "2024-03-01T10:02:00", "date_unixtime": "1709287320", "actor": "Alice", "action": "pin_message", "text": ""},
          {"id": 4, "type": "message", "date": "2024-03-01T10:03:00", "date_unixtime": "1709287380", "from": "Alice", "photo": "photos/1.jpg", "text": ""},
          {"id": 5, "type": "message", "date": "2024-03-01T10:04:00", "date_unixtime": "1709287440", "from": "Alice", "text": "How are you?"},
          {"id": 6, "type": "message", "date": "2024-03-01T10:05:00", "date_unixtime": "1709287500", "from": "Bob", "text": [{"type": "link", "text": "Fine"}]},
          {"id": 7, "type": "message", "date": "2024-03-01T13:00:00", "date_unixtime": "1709298000", "from": "Alice", "text": "Back again"},
          {"id": 8, "type": "message", "date": "2024-03-01T13:01:00", "from": "Bob", "text": "Welcome back"}
        ]
        """;

    static string Export(TempDir dir) =>
        Write(dir, "result.json", $$"""{"name": "Bob", "type": "personal_chat", "id": 42, "messages": {{Messages}}}""");

    static string Write(TempDir dir, string name, string text) { File.WriteAllText(dir.File(name), text); return dir.File(name); }

    static List<(string Conversation, string Response)> Convert(string export, TelegramExportOptions options, out ConversionResult result)
    {
        string output = Path.Combine(Path.GetDirectoryName(export)!, "chat.jsonl");
        result = TelegramExportConverter.Convert(export, output, options);
        return RecordReader.Read(output).Select(r => (r.Get("conversation"), r.Get("response"))).ToList();
    }

    [Fact]
    public void DefaultsCutSessionsAtTheGapAndFallBackToOneMessage()
    {
        using var dir = new TempDir();
        var records = Convert(Export(dir), new TelegramExportOptions(), out var result);
        Assert.Equal(
        [
            ("Alice: Hi Bob", "Bob: Hello Alice!"),
            ("Alice: Hi Bob\nBob: Hello Alice!", "Alice: How are you?"),
            ("Alice: Hi Bob\nBob: Hello Alice!\nAlice: How are you?", "Bob: Fine"),
            ("Bob: Fine", "Alice: Back again"),           // first of session B: short-context fallback across the gap
            ("Alice: Back again", "Bob: Welcome back"),   // session B only
        ], records);
        Assert.Equal(new ConversionResult(5, 2, 1, dir.File("chat.jsonl")), result); // dropped: service + photo; skipped: message 1
    }

    [Fact]
    public void ContextSizeGapAndFallbackAreConfigurable()
    {
        using var dir = new TempDir();
        string export = Export(dir);
        Assert.Equal("Bob: Hello Alice!\nAlice: How are you?", Convert(export, new(ContextMessages: 2), out _)[2].Conversation);

        var noFallback = Convert(export, new(MinContext: 0), out var r0);
        Assert.Equal(4, noFallback.Count);
        Assert.DoesNotContain(noFallback, x => x.Response == "Alice: Back again");
        Assert.Equal(2, r0.Skipped);

        // The pause is exactly 175 minutes: a gap of 175 still cuts (>=), 176 does not.
        Assert.Equal("Bob: Fine", Convert(export, new(GapMinutes: 175), out _)[3].Conversation);
        var oneSession = Convert(export, new(GapMinutes: 176), out _);
        Assert.Equal("Alice: Hi Bob\nBob: Hello Alice!\nAlice: How are you?\nBob: Fine\nAlice: Back again", oneSession[4].Conversation);
    }

    [Fact]
    public void AsSenderKeepsOnlyTheirResponsesAndMaxMessagesKeepsTheMostRecent()
    {
        using var dir = new TempDir();
        string export = Export(dir);
        var bob = Convert(export, new(AsSender: "Bob"), out var rb);
        Assert.Equal(["Bob: Hello Alice!", "Bob: Fine", "Bob: Welcome back"], bob.Select(x => x.Response));
        Assert.Equal((3, 2, 3), (rb.RecordsWritten, rb.Dropped, rb.Skipped));

        var recent = Convert(export, new(MaxMessages: 3), out var rm); // messages 6, 7, 8 remain
        Assert.Equal([("Bob: Fine", "Alice: Back again"), ("Alice: Back again", "Bob: Welcome back")], recent);
        Assert.Equal(4, rm.Skipped); // 3 over the limit + message 6 without context

        var e = Assert.Throws<DataException>(() => Convert(export, new(AsSender: "Carol"), out _));
        Assert.Contains("no messages from 'Carol' (senders: Alice, Bob)", e.Message);
    }

    [Fact]
    public void FullExportKeepsChatsApart()
    {
        using var dir = new TempDir();
        string second = """[{"id": 1, "type": "message", "date": "2024-03-01T13:02:00", "from": "Carol", "text": "Hey"}]""";
        string export = Write(dir, "result.json", $$$"""{"chats": {"list": [{"name": "Bob", "messages": {{{Messages}}}}, {"name": "Carol", "messages": {{{second}}}}]}}""");
        var records = Convert(export, new(), out var result);
        Assert.Equal(5, records.Count); // Carol's only message has no context in its own chat
        Assert.Equal(2, result.Skipped);
    }

    [Fact]
    public void MalformedMessagesNameTheMessage()
    {
        using var dir = new TempDir();
        string export = Write(dir, "result.json", """{"name": "X", "messages": [{"id": 9, "type": "message", "date": "2024-03-01T10:00:00", "from": "A", "text": 5}]}""");
        var e = Assert.Throws<DataException>(() => Convert(export, new(), out _));
        Assert.Equal($"{export}: chat 'X', message 1 (id 9): 'text' is Number, expected a string or a list of entities", e.Message);

        string notExport = Write(dir, "other.json", "[1, 2]");
        Assert.Contains("not a Telegram export", Assert.Throws<DataException>(() => Convert(notExport, new(), out _)).Message);
        Assert.Throws<ArgumentException>(() => Convert(export, new(MinContext: 11), out _));
    }

    [Fact]
    public void AForwardedPostIsMarkedContextAndNeverTheForwardersReply()
    {
        // Issue 16: Bob forwards a channel post; it must not become "Bob: <the channel's text>" as Bob's own response.
        using var dir = new TempDir();
        string export = Write(dir, "result.json", """
            {"name": "Bob", "messages": [
              {"id": 1, "type": "message", "date_unixtime": "1709287200", "from": "Alice", "text": "Seen the news?"},
              {"id": 2, "type": "message", "date_unixtime": "1709287260", "from": "Bob", "forwarded_from": "Daily Channel", "text": "Big storm tonight"},
              {"id": 3, "type": "message", "date_unixtime": "1709287320", "from": "Bob", "text": "Stay inside"},
              {"id": 4, "type": "message", "date_unixtime": "1709287380", "from": "Alice", "forwarded_from": null, "text": "Old joke"}
            ]}
            """);
        var records = Convert(export, new TelegramExportOptions(), out var result);
        Assert.Equal(
        [
            ("Alice: Seen the news?\nBob: [forwarded from Daily Channel] Big storm tonight", "Bob: Stay inside"),
        ], records);
        Assert.Equal(3, result.Skipped); // message 1 (no context), the two forwarded ones
    }
}
