using System.Text.Json;

namespace T5Sharp.Hub;

/// <summary>
/// Downloads single files of Hub repositories into huggingface_hub's cache, the way <c>hf_hub_download</c> does: a HEAD on
/// <c>/{repo}/resolve/{revision}/{file}</c> gives the commit and ETag, the blob is fetched once, the snapshot links to it.
/// Offline (HF_HUB_OFFLINE) it never touches the network and answers from the cache or names what is missing.
/// </summary>
public sealed class HubClient(HubOptions options)
{
    readonly BlobDownloader downloader = new(options);

    public HubOptions Options { get; } = options;
    public HubCache Cache { get; } = new(options.CacheDir);

    public static HubClient FromEnvironment() => new(HubOptions.FromEnvironment());

    /// <summary>The Hub's file URL: <c>{endpoint}/{repo}/resolve/{revision}/{file}</c>, datasets under <c>/datasets/</c>.</summary>
    public Uri FileUrl(HubRepoId repo, string file) =>
        OnEndpoint($"{repo.UrlPrefix}/resolve/{Uri.EscapeDataString(repo.Revision)}/{EscapePath(file)}");

    /// <summary>HEAD on the file URL: commit hash, ETag (linked ETag for LFS), size and the download location.</summary>
    public async Task<HubFileMetadata> GetFileMetadataAsync(HubRepoId repo, string file, CancellationToken ct = default)
    {
        ThrowIfOffline(repo, file);
        Uri url = FileUrl(repo, file);
        using var limit = Limit(ct);
        using var response = await HubHttp.SendAsync(Options, HttpMethod.Head, url, followAbsolute: false, 0,
            HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        string? commit = HubHttp.Header(response, "X-Repo-Commit");
        if (status >= 400)
        {
            // A 404 for a file at a known commit is remembered, as huggingface_hub does, so offline runs know it is absent.
            if (status == 404 && HubHttp.Header(response, "X-Error-Code") == "EntryNotFound" && commit != null && HubRepoId.IsCommit(commit))
                Cache.MarkMissing(repo, commit, file);
            throw HubHttp.Error(response, Options, repo, file, url);
        }
        string? etag = HubHttp.Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? HubHttp.Header(response, "ETag");
        string? sizeText = HubHttp.Header(response, "X-Linked-Size");
        long? size = sizeText != null && long.TryParse(sizeText, out long linked) ? linked : response.Content.Headers.ContentLength;
        if (commit == null || !HubRepoId.IsCommit(commit) || etag == null || size == null)
            throw new HubException($"HEAD {url} did not say which file version to fetch: expected headers X-Repo-Commit (40 hex digits), " +
                                   $"ETag or X-Linked-Etag, and Content-Length or X-Linked-Size; found commit '{commit}', etag '{etag}', size '{size}'. " +
                                   "Is HF_ENDPOINT a Hugging Face Hub?");
        Uri location = status is >= 300 and <= 399 && response.Headers.Location is { } loc
            ? (loc.IsAbsoluteUri ? loc : new Uri(url, loc))
            : url;
        return new HubFileMetadata(commit, NormalizeEtag(etag), size.Value, location);
    }

    /// <summary>The repository's files at its revision, from <c>/api/models/{repo}</c> or <c>/api/datasets/{repo}</c>.</summary>
    public async Task<HubRepoListing> ListFilesAsync(HubRepoId repo, CancellationToken ct = default)
    {
        ThrowIfOffline(repo, null);
        string path = $"api/{repo.TypePlural}/{repo.Id}";
        if (repo.Revision != HubRepoId.DefaultRevision) path += $"/revision/{Uri.EscapeDataString(repo.Revision)}";
        Uri url = OnEndpoint(path);
        using var limit = Limit(ct);
        using var response = await HubHttp.SendAsync(Options, HttpMethod.Get, url, followAbsolute: false, 0,
            HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
        if ((int)response.StatusCode >= 300) throw HubHttp.Error(response, Options, repo, null, url);
        string body = await response.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            string sha = doc.RootElement.GetProperty("sha").GetString() ?? "";
            if (!HubRepoId.IsCommit(sha)) throw new HubException($"{url} gave 'sha' = '{sha}'; expected a 40-digit commit hash.");
            var files = doc.RootElement.GetProperty("siblings").EnumerateArray()
                .Select(s => s.GetProperty("rfilename").GetString()!).ToList();
            return new HubRepoListing(repo, sha, files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubException($"{url} did not answer with the Hub's repo info JSON (keys 'sha' and 'siblings[].rfilename'): {e.Message}", e);
        }
    }

    /// <summary>
    /// The local path of <paramref name="file"/> at the repo's revision, downloading it into the cache when needed.
    /// A pinned commit already in the cache needs no network; an unreachable Hub falls back to the cached copy.
    /// </summary>
    public async Task<string> DownloadFileAsync(HubRepoId repo, string file, Action<HubDownloadProgress>? progress = null,
        CancellationToken ct = default)
    {
        HubCache.ToLocal(file);
        if (repo.IsCommitHash && Cache.TryGetCachedFile(repo, file) is { } pinned) return pinned;
        if (Options.Offline) return CachedOrMissing(repo, file, null);

        HubFileMetadata meta;
        try
        {
            meta = await GetFileMetadataAsync(repo, file, ct).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Unreachable)
        {
            return CachedOrMissing(repo, file, e);
        }

        Cache.WriteRef(repo, meta.CommitHash);
        string pointer = Cache.SnapshotFile(repo, meta.CommitHash, file);
        if (File.Exists(pointer)) return pointer;
        string blob = Cache.BlobPath(repo, meta.Etag);
        if (!File.Exists(blob))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            using var held = await BlobLock.AcquireAsync(Cache.LockPath(repo, meta.Etag), Options.LockTimeout, ct).ConfigureAwait(false);
            // Whoever held the lock before us may have finished this very blob.
            if (!File.Exists(blob))
                await downloader.DownloadAsync(repo, file, meta, Cache.IncompletePath(repo, meta.Etag), blob, progress, ct).ConfigureAwait(false);
        }
        return Cache.LinkSnapshot(repo, meta.CommitHash, file, meta.Etag);
    }

    /// <summary>Like <see cref="DownloadFileAsync"/> but null when the Hub (or the cache's .no_exist marker) says the file does not exist.</summary>
    public async Task<string?> TryDownloadFileAsync(HubRepoId repo, string file, Action<HubDownloadProgress>? progress = null,
        CancellationToken ct = default)
    {
        if (Cache.IsKnownMissing(repo, file) && (Options.Offline || repo.IsCommitHash)) return null;
        try
        {
            return await DownloadFileAsync(repo, file, progress, ct).ConfigureAwait(false);
        }
        catch (HubException e) when (e.StatusCode == 404 && e.Message.StartsWith("File '", StringComparison.Ordinal))
        {
            return null;
        }
    }

    string CachedOrMissing(HubRepoId repo, string file, HubException? networkError)
    {
        if (Cache.TryGetCachedFile(repo, file) is { } cached) return cached;
        string why = networkError != null ? $"the Hub is unreachable ({networkError.Message})" : "HF_HUB_OFFLINE is set";
        string? commit = Cache.TryGetCommit(repo);
        string missing = commit == null ? Cache.RefPath(repo) : Cache.SnapshotFile(repo, commit, file);
        throw new HubException($"'{file}' of {KindName(repo)} {repo} is not in the cache and {why}: {missing} does not exist. " +
                               "Download it once with network access (T5Sharp or huggingface_hub share this cache).", networkError)
        { Unreachable = networkError != null };
    }

    internal void ThrowIfOffline(HubRepoId repo, string? file)
    {
        if (Options.Offline)
            throw new HubException($"HF_HUB_OFFLINE is set, so '{file ?? "the file list"}' of {KindName(repo)} {repo} cannot be asked from the Hub.");
    }

    internal static string KindName(HubRepoId repo) => repo.Type == HubRepoType.Model ? "model" : "dataset";

    CancellationTokenSource Limit(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Options.MetadataTimeout);
        return cts;
    }

    // huggingface_hub's _normalize_etag: drop a weak "W/" prefix and the quotes.
    internal static string NormalizeEtag(string etag)
    {
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        return etag.Trim('"');
    }

    // Appends to the endpoint's path (a mirror may live under a sub-path, which Uri(base, relative) would drop).
    internal Uri OnEndpoint(string relative) => new(Options.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative);

    static string EscapePath(string file) => string.Join('/', file.Split('/').Select(Uri.EscapeDataString));
}
