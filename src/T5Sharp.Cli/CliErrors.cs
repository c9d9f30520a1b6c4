using T5Sharp.Data;
using T5Sharp.Distributed;
using T5Sharp.Formats;
using T5Sharp.Hub;
using T5Sharp.Tokenization;

namespace T5Sharp.Cli;

/// <summary>Turns the errors a user can cause into one line on stderr and a non-zero exit code, never a stack trace.</summary>
public static class CliErrors
{
    public const int UserError = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {Message(e)}");
            return UserError;
        }
    }

    /// <summary>
    /// The user's errors, and the machine's that a user fixes (a full disk, a quota, a read-only or forbidden folder:
    /// told by the OS's error code, see <see cref="StorageErrors"/>). Any other IOException is a bug and keeps its trace.
    /// </summary>
    public static bool IsUserError(Exception e) => e is CheckpointException or DataException or ArgumentException or DistributedException
        or TokenizerException or HubException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        or StorageException || StorageErrors.IsStorageFailure(e);

    /// <summary>The one line a user reads: a raw OS error gets its reason in plain words before .NET's text (which names the path).</summary>
    public static string Message(Exception e) => e is IOException and not StorageException && StorageErrors.Reason(e) is { } reason
        ? $"{reason}: {e.Message}"
        : UserMessage.Of(e);
}
