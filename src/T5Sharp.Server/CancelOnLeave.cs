namespace T5Sharp.Server;

/// <summary>
/// Cancels a request's prompts when its handler leaves, however it leaves: a write to a client that went away can fail
/// before Kestrel signals RequestAborted, and the prompts must not decode on for nobody. Harmless once they are done.
/// </summary>
public sealed class CancelOnLeave(CancellationTokenSource source) : IDisposable
{
    public void Dispose() => source.Cancel();
}
