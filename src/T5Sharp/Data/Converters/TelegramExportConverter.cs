namespace T5Sharp.Data.Converters;

/// <summary>
/// A Telegram Desktop JSON export → JSONL <c>{conversation, response}</c> records for chat fine-tuning. Each usable
/// message with context becomes a record: the conversation is the previous messages of its session (see
/// <see cref="TelegramExportOptions"/>), one "Sender: text" per line, and the response is "Sender: text", so the model
/// learns who speaks as well as what is said. A forwarded message (Telegram's <c>forwarded_from</c>) is never a response
/// — its text is not the forwarder's — but stays in the context of what follows, marked
/// "Sender: [forwarded from ORIGIN] text" so the model sees whose words it carries.
/// </summary>
public static class TelegramExportConverter
{
    public static ConversionResult Convert(string exportPath, string outputPath, TelegramExportOptions? options = null)
    {
        options ??= new TelegramExportOptions();
        options.Validate();
        var (chats, dropped) = TelegramExportReader.Read(exportPath);
        var (records, skipped) = BuildRecords(chats, options);
        if (options.AsSender is { } name && !chats.Any(c => c.Any(m => m.Sender == name)))
            throw new DataException($"{exportPath}: no messages from '{name}' (senders: {string.Join(", ", chats.SelectMany(c => c).Select(m => m.Sender).Distinct())})");
        if (records.Count == 0) throw new DataException($"{exportPath}: no records: {dropped} messages dropped as service/empty, {skipped} without context or from other senders");
        JsonlRecordWriter.Write(outputPath, records.Select(r => (IReadOnlyList<(string, string)>)[("conversation", r.Conversation), ("response", r.Response)]));
        return new ConversionResult(records.Count, dropped, skipped, outputPath);
    }

    /// <summary>The records of already-read chats; <c>Skipped</c> counts messages cut by MaxMessages, without context,
    /// from other senders, or forwarded.</summary>
    public static (List<(string Conversation, string Response)> Records, int Skipped) BuildRecords(
        IReadOnlyList<IReadOnlyList<TelegramMessage>> chats, TelegramExportOptions options)
    {
        int total = chats.Sum(c => c.Count);
        // MaxMessages keeps the most recent messages: the end of the export (chats in file order).
        int cut = options.MaxMessages is int max && total > max ? total - max : 0;
        int skipped = cut;
        var records = new List<(string, string)>();
        var gap = TimeSpan.FromMinutes(options.GapMinutes);
        foreach (var chat in chats)
        {
            int drop = Math.Min(cut, chat.Count);
            cut -= drop;
            var messages = chat.Skip(drop).ToArray();
            int sessionStart = 0;
            for (int i = 0; i < messages.Length; i++)
            {
                if (i > 0 && messages[i].Time - messages[i - 1].Time >= gap) sessionStart = i;
                int contextStart = Math.Max(sessionStart, i - options.ContextMessages);
                if (i - contextStart < options.MinContext) contextStart = Math.Max(0, i - options.MinContext);
                bool fromOther = options.AsSender is { } name && messages[i].Sender != name;
                // a forwarded post is someone else's text: context for what follows, never the forwarder's reply
                if (i == contextStart || fromOther || messages[i].ForwardedFrom is not null) { skipped++; continue; }
                string conversation = string.Join("\n", messages[contextStart..i].Select(Line));
                records.Add((conversation, Line(messages[i])));
            }
        }
        return (records, skipped);
    }

    static string Line(TelegramMessage m) =>
        m.ForwardedFrom is { } origin ? $"{m.Sender}: [forwarded from {origin}] {m.Text}" : $"{m.Sender}: {m.Text}";
}
