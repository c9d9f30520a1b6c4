namespace T5Sharp.Data.Converters;

/// <summary>A usable chat message: sender name, flattened text, and when it was sent.</summary>
public sealed record TelegramMessage(long Id, string Sender, string Text, DateTimeOffset Time);
