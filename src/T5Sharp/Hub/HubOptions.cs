namespace T5Sharp.Hub;

/// <summary>
/// Where the Hub is, who we are, where the cache lives and whether the network may be used. <see cref="FromEnvironment"/>
/// reads the same variables huggingface_hub reads, so a machine set up for Python works unchanged.
/// </summary>
public sealed record HubOptions
{
    public const string DefaultEndpoint = "https://huggingface.co";

    public Uri Endpoint { get; init; } = new(DefaultEndpoint);
    /// <summary>Sent as <c>Authorization: Bearer</c> to the Hub (never to a CDN on another host).</summary>
    public string? Token { get; init; }
    /// <summary>The hub cache root (the folder holding <c>models--*</c>), shared with huggingface_hub.</summary>
    public string CacheDir { get; init; } = DefaultCacheDir(Environment.GetEnvironmentVariable);
    /// <summary>Never touch the network: answer from the cache or say exactly what is missing (HF_HUB_OFFLINE=1).</summary>
    public bool Offline { get; init; }
    /// <summary>Limit for HEAD and API requests (huggingface_hub's HF_HUB_ETAG_TIMEOUT default is 10 s).</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A download stalls when no byte arrives for this long; it is then resumed.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long to wait for another process that holds a blob's lock file.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How many times a broken transfer is resumed (Range request) before the download fails.</summary>
    public int MaxResumeAttempts { get; init; } = 5;
    /// <summary>Limit for one upload request (an LFS PUT of a whole file or part, a commit).</summary>
    public TimeSpan UploadTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How often an upload request that met a 5xx answer, a timeout or a dropped connection is sent again.</summary>
    public int UploadRetries { get; init; } = 5;
    /// <summary>The first wait before a retry; it doubles each time, up to 8 s (huggingface_hub's http_backoff).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads HF_ENDPOINT, HF_TOKEN (else $HF_HOME/token), HF_HUB_CACHE / HF_HOME, HF_HUB_OFFLINE.</summary>
    public static HubOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? endpoint = NonEmpty(getVariable("HF_ENDPOINT"));
        Uri endpointUri = new(DefaultEndpoint);
        if (endpoint != null && !Uri.TryCreate(endpoint.TrimEnd('/'), UriKind.Absolute, out endpointUri!))
            throw new HubException($"HF_ENDPOINT='{endpoint}' is not an absolute URL: expected e.g. {DefaultEndpoint}.");
        return new HubOptions
        {
            Endpoint = endpointUri,
            Token = NonEmpty(getVariable("HF_TOKEN")) ?? ReadTokenFile(getVariable),
            CacheDir = DefaultCacheDir(getVariable),
            Offline = IsTrue(getVariable("HF_HUB_OFFLINE")),
        };
    }

    static string DefaultCacheDir(Func<string, string?> getVariable) =>
        NonEmpty(getVariable("HF_HUB_CACHE")) is { } cache ? ExpandHome(cache) : Path.Combine(HfHome(getVariable), "hub");

    static string HfHome(Func<string, string?> getVariable)
    {
        if (NonEmpty(getVariable("HF_HOME")) is { } home) return ExpandHome(home);
        string xdg = NonEmpty(getVariable("XDG_CACHE_HOME"))
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(ExpandHome(xdg), "huggingface");
    }

    // huggingface_hub stores `huggingface-cli login`'s token at $HF_HOME/token (or HF_TOKEN_PATH).
    static string? ReadTokenFile(Func<string, string?> getVariable)
    {
        string path = NonEmpty(getVariable("HF_TOKEN_PATH")) is { } p ? ExpandHome(p) : Path.Combine(HfHome(getVariable), "token");
        return File.Exists(path) ? NonEmpty(File.ReadAllText(path).Trim()) : null;
    }

    // Same truthy spellings as huggingface_hub's _is_true.
    static bool IsTrue(string? value) =>
        value != null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/")
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;
}
