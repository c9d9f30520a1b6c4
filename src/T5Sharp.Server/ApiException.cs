namespace T5Sharp.Server;

/// <summary>A request the server refuses: the HTTP status and what to tell the client (OpenAI's or TGI's error body).</summary>
public sealed class ApiException(int status, string message, string type = "invalid_request_error", string? param = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;
    /// <summary>Seconds to put in Retry-After (429).</summary>
    public int? RetryAfter { get; init; }

    public static ApiException BadRequest(string message, string? param = null) => new(400, message, "invalid_request_error", param);
}
