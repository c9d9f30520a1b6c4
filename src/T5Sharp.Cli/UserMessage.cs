namespace T5Sharp.Cli;

/// <summary>
/// An exception's message as a user should read it: .NET appends "(Parameter 'limit')" to an ArgumentException and
/// "Actual value was 0." to an ArgumentOutOfRangeException — names of our code, not of anything the user typed.
/// </summary>
public static class UserMessage
{
    public static string Of(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
            message = message.Replace($"{Environment.NewLine}Actual value was {actual}.", "", StringComparison.Ordinal);
        if (e is ArgumentException { ParamName: { } name })
            message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        return message;
    }
}
