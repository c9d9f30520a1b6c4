namespace T5Sharp.Hub;

/// <summary>
/// What a user names a model or a data set by — a local path, or a Hub name <c>owner/name[@revision]</c> — as a local
/// path. Hub names are fetched into (or found in) huggingface_hub's cache through a <see cref="HubResolver"/> made from
/// the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, HF_HUB_OFFLINE) the first time one is needed, so local paths
/// never touch the environment or the network. Download progress goes to the callback; nothing is printed.
/// </summary>
public sealed class HubPaths
{
    static readonly string[] DataFileExtensions = [".jsonl", ".json", ".csv", ".tsv", ".parquet", ".txt"];

    readonly Lazy<HubResolver> _resolver;
    readonly Action<HubDownloadProgress>? _progress;

    /// <param name="resolver">The Hub client to fetch with; null: one configured from the environment when first needed.</param>
    /// <param name="progress">Receives each download's progress (bytes so far of the total), per file.</param>
    public HubPaths(HubResolver? resolver = null, Action<HubDownloadProgress>? progress = null)
    {
        _resolver = resolver is null ? new(HubResolver.FromEnvironment) : new(resolver);
        _progress = progress;
    }

    /// <summary>
    /// A model folder: an existing path as given, or the cached snapshot of the Hub model. Text that is neither throws a
    /// <see cref="HubException"/> that names it as a missing local path.
    /// </summary>
    public string Model(string nameOrPath, CancellationToken ct = default) =>
        Directory.Exists(nameOrPath) ? nameOrPath : _resolver.Value.ResolveModel(nameOrPath, _progress, ct);

    public Task<string> ModelAsync(string nameOrPath, CancellationToken ct = default) =>
        Directory.Exists(nameOrPath) ? Task.FromResult(nameOrPath) : _resolver.Value.ResolveModelAsync(nameOrPath, _progress, ct);

    /// <summary>A data file: an existing path as given, or the cached file of the Hub dataset's <paramref name="split"/>.</summary>
    public string DataFile(string nameOrPath, string split = "train", CancellationToken ct = default) =>
        File.Exists(nameOrPath) ? nameOrPath : _resolver.Value.ResolveDataFile(nameOrPath, split, _progress, ct);

    public Task<string> DataFileAsync(string nameOrPath, string split = "train", CancellationToken ct = default) =>
        File.Exists(nameOrPath) ? Task.FromResult(nameOrPath) : _resolver.Value.ResolveDataFileAsync(nameOrPath, split, _progress, ct);

    /// <summary>
    /// Like <see cref="Model"/> for a Hub name; any other text comes back as it is, for the reader to report as a missing
    /// file in its own words (a run.json's paths, PretrainedT5.Load's argument).
    /// </summary>
    public string ModelOrPath(string nameOrPath, CancellationToken ct = default) =>
        IsHubName(nameOrPath) && !Directory.Exists(nameOrPath) ? Model(nameOrPath, ct) : nameOrPath;

    /// <summary>Like <see cref="DataFile"/> for a Hub name; any other text comes back as it is.</summary>
    public string DataFileOrPath(string nameOrPath, string split = "train", CancellationToken ct = default) =>
        IsHubName(nameOrPath) && !File.Exists(nameOrPath) ? DataFile(nameOrPath, split, ct) : nameOrPath;

    /// <summary>
    /// Whether text that names no existing file or folder is taken as a Hub name: <c>owner/name</c>, optionally
    /// <c>@revision</c>. A path-like text is not: one whose first part is a folder here (<c>runs/nope</c> when runs/
    /// exists), or that ends like a data file (<c>data/train.jsonl</c>), or that has more or fewer than one '/'.
    /// </summary>
    public static bool IsHubName(string text) => WhyNotAHubName(text) is null;

    /// <summary>The error for text that is no existing path and not taken as a Hub name: it names the text and why.</summary>
    public static HubException NotFound(string text) => new(WhyNotAHubName(text) switch
    {
        { } folder when folder.Length > 0 =>
            $"'{text}' is not an existing local path (and '{folder}' is a local folder, so it was not taken as a Hub name).",
        _ => $"'{text}' is not an existing local path, nor a Hub name of the form owner/name[@revision].",
    });

    // null: a Hub name; "": not of the Hub's form; otherwise the local folder that makes the text a path.
    static string? WhyNotAHubName(string text)
    {
        string id = text.Split('@')[0];
        if (!HubRepoId.IsValidId(id) || id.Count(c => c == '/') != 1) return "";
        if (DataFileExtensions.Any(e => id.EndsWith(e, StringComparison.OrdinalIgnoreCase))) return "";
        string owner = id[..id.IndexOf('/')];
        return Directory.Exists(owner) ? owner : null;
    }
}
