namespace T5Sharp.Data.Converters;

/// <summary>
/// How <see cref="TelegramExportConverter"/> turns a chat into records.
/// <para><see cref="GapMinutes"/>: a pause at least this long starts a new session; context never reaches into an
/// earlier session except through the fallback.</para>
/// <para><see cref="ContextMessages"/>: at most this many previous messages of the session form the context.</para>
/// <para><see cref="MinContext"/>: short-context fallback: when the session gives a message fewer context messages than
/// this (typically the first message after a gap), the context is instead the <see cref="MinContext"/> messages just
/// before it, across the gap; 0 turns the fallback off. A message with no context at all never becomes a record.</para>
/// <para><see cref="AsSender"/>: only messages from this sender become responses (all senders still form context).</para>
/// <para><see cref="MaxMessages"/>: keep only the most recent this-many usable messages (all when null).</para>
/// </summary>
public sealed record TelegramExportOptions(
    int GapMinutes = 120, int ContextMessages = 10, int MinContext = 1, string? AsSender = null, int? MaxMessages = null)
{
    public void Validate()
    {
        if (GapMinutes < 1) throw new ArgumentException($"gap minutes must be at least 1, found {GapMinutes}");
        if (ContextMessages < 1) throw new ArgumentException($"context must be at least 1 message, found {ContextMessages}");
        if (MinContext < 0 || MinContext > ContextMessages)
            throw new ArgumentException($"min context must lie in 0..{ContextMessages} (the context size), found {MinContext}");
        if (MaxMessages is < 1) throw new ArgumentException($"max messages must be at least 1, found {MaxMessages}");
        if (AsSender is { Length: 0 }) throw new ArgumentException("the sender name given with 'as' is empty");
    }
}
