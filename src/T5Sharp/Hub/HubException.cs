namespace T5Sharp.Hub;

/// <summary>
/// A Hub name, download or cache lookup failed in a way the user can act on: the message names the repository,
/// the file and the revision, and says what was expected and what was found (HTTP status, size, checksum, missing path).
/// </summary>
public sealed class HubException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status the Hub answered with, when the failure came from an HTTP answer.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The Hub could not be reached at all (connection refused, DNS, timeout): the cache may still answer.</summary>
    public bool Unreachable { get; init; }
}
