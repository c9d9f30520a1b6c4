using T5Sharp.Data;
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
            Console.Error.WriteLine($"error: {UserMessage.Of(e)}");
            return UserError;
        }
    }

    static bool IsUserError(Exception e) => e is CheckpointException or DataException or ArgumentException
        or TokenizerException or HubException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException;
}
