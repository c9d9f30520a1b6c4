namespace T5Sharp.Formats;

/// <summary>
/// Writing <see cref="Path"/> failed for a reason of the machine, not of the program (see <see cref="StorageErrors"/>):
/// the message names the path and the reason in plain words; the OS's exception is the inner one.
/// </summary>
public sealed class StorageException : IOException
{
    public StorageException(string path, Exception inner, string? reason = null)
        : base($"{path}: cannot write: {reason ?? StorageErrors.Reason(inner) ?? inner.Message}", inner)
    {
        Path = path;
        Reason = reason ?? StorageErrors.Reason(inner) ?? inner.Message;
        HResult = inner.HResult;
    }

    public string Path { get; }
    public string Reason { get; }
}
