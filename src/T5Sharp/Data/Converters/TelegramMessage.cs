namespace T5Sharp.Data.Converters;

/// <summary>A usable chat message: sender name, flattened text, and when it was sent.</summary>
public sealed record TelegramMessage(long Id, string Sender, string Text, DateTimeOffset Time)
{
    /// <summary>Telegram's <c>forwarded_from</c>: the original author (a channel, a person) of a forwarded message, else
    /// null. A forwarded post is not its forwarder's own words.</summary>
    public string? ForwardedFrom { get; init; }
}
