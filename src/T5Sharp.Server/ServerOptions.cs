namespace T5Sharp.Server;

/// <summary>How `t5sharp serve` runs: where it listens, how it batches, its limits and its key.</summary>
public sealed record ServerOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0: any free port (tests); <see cref="T5Server.Port"/> tells which.</summary>
    public int Port { get; init; } = 8080;
    public int MaxBatchSize { get; init; } = 16;
    public int BatchTimeoutMs { get; init; } = 5;
    public int MaxInputTokens { get; init; } = 512;
    public int MaxNewTokensLimit { get; init; } = 512;
    public int MaxQueue { get; init; } = 256;
    /// <summary>Null: no authentication.</summary>
    public string? ApiKey { get; init; }
    /// <summary>The chat prompt template: {text} stands for the "Name: text" lines, newest last (null: the lines alone).</summary>
    public string? ChatTemplate { get; init; }
    public long MaxRequestBodyBytes { get; init; } = 1 << 20;
    /// <summary>How long SIGTERM waits for requests in flight.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Where the one line per request goes (null: nowhere).</summary>
    public Action<string>? Log { get; init; }
}
