using System.Globalization;
using System.Text;
using System.Text.Json;

namespace T5Sharp.Data.Converters;

/// <summary>
/// Reads a Telegram Desktop JSON export (one chat: <c>{name, messages: [...]}</c>, or a full export:
/// <c>{chats: {list: [{messages}]}}</c>) into the usable messages of each chat. Service messages and messages without
/// text (stickers, photos without captions) are dropped and counted. <c>text</c> is a string or a list of strings and
/// entity objects (<c>{type, text}</c>: bold, links, mentions...), joined in order.
/// </summary>
public static class TelegramExportReader
{
    public static (IReadOnlyList<IReadOnlyList<TelegramMessage>> Chats, int Dropped) Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        JsonDocument doc;
        try { using var stream = File.OpenRead(path); doc = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new DataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            var chatElements = new List<JsonElement>();
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out _)) chatElements.Add(root);
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("chats", out var chats)
                     && chats.ValueKind == JsonValueKind.Object && chats.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array)
                chatElements.AddRange(list.EnumerateArray());
            else throw new DataException($"{path}: not a Telegram export: expected an object with 'messages' (one chat) or 'chats.list' (full export)");

            var result = new List<IReadOnlyList<TelegramMessage>>();
            int dropped = 0;
            foreach (var chat in chatElements)
            {
                if (!chat.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
                    throw new DataException($"{path}: chat '{Name(chat)}' has no 'messages' array");
                var kept = new List<TelegramMessage>();
                int index = 0;
                foreach (var m in messages.EnumerateArray())
                {
                    index++;
                    var message = Parse(path, Name(chat), index, m);
                    if (message is null) dropped++;
                    else kept.Add(message);
                }
                result.Add(kept);
            }
            return (result, dropped);
        }
    }

    static string Name(JsonElement chat) =>
        chat.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "(unnamed)";

    static TelegramMessage? Parse(string path, string chat, int index, JsonElement m)
    {
        string where = $"{path}: chat '{chat}', message {index}";
        if (m.ValueKind != JsonValueKind.Object) throw new DataException($"{where}: expected an object, found {m.ValueKind}");
        long id = m.TryGetProperty("id", out var idValue) && idValue.TryGetInt64(out var i) ? i : index;
        where = $"{path}: chat '{chat}', message {index} (id {id})";
        string type = m.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "message";
        if (type != "message") return null;
        string text = m.TryGetProperty("text", out var textValue) ? Flatten(textValue, where).Trim() : "";
        if (text.Length == 0) return null;
        string sender = m.TryGetProperty("from", out var from) && from.ValueKind == JsonValueKind.String && from.GetString()!.Length > 0
            ? from.GetString()!
            : m.TryGetProperty("from_id", out var fromId) && fromId.ValueKind == JsonValueKind.String ? fromId.GetString()! : "Unknown";
        // forwarded_from is the original author's name; it may be null (a hidden account) while the message is still forwarded
        string? forwarded = m.TryGetProperty("forwarded_from", out var fwd)
            ? fwd.ValueKind == JsonValueKind.String && fwd.GetString()!.Length > 0 ? fwd.GetString()! : "a hidden account"
            : null;
        return new TelegramMessage(id, sender, text, Time(m, where)) { ForwardedFrom = forwarded };
    }

    static string Flatten(JsonElement text, string where)
    {
        switch (text.ValueKind)
        {
            case JsonValueKind.String: return text.GetString()!;
            case JsonValueKind.Array:
                var sb = new StringBuilder();
                foreach (var part in text.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String) sb.Append(part.GetString());
                    else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var inner) && inner.ValueKind == JsonValueKind.String)
                        sb.Append(inner.GetString());
                    else throw new DataException($"{where}: 'text' entity is {part.ValueKind} without a string 'text'");
                }
                return sb.ToString();
            default: throw new DataException($"{where}: 'text' is {text.ValueKind}, expected a string or a list of entities");
        }
    }

    // date_unixtime (seconds, as a string) is exact; date is local wall-clock time without a zone, fine for gaps.
    static DateTimeOffset Time(JsonElement m, string where)
    {
        if (m.TryGetProperty("date_unixtime", out var unix) && unix.ValueKind == JsonValueKind.String
            && long.TryParse(unix.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (m.TryGetProperty("date", out var date) && date.ValueKind == JsonValueKind.String
            && DateTime.TryParse(date.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return new DateTimeOffset(parsed, TimeSpan.Zero);
        throw new DataException($"{where}: no readable 'date_unixtime' or 'date' (expected e.g. \"2024-01-31T18:05:00\")");
    }
}
