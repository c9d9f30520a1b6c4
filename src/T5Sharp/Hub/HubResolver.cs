namespace T5Sharp.Hub;

/// <summary>
/// Turns what a user typed after --model or --data into a local path: an existing local path wins; otherwise the text is
/// a Hub name, <c>owner/name[@revision]</c>, whose needed files are fetched into (or found in) huggingface_hub's cache.
/// </summary>
public sealed class HubResolver(HubClient client)
{
    public HubClient Client { get; } = client;

    /// <summary>A resolver configured from HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE / HF_HOME and HF_HUB_OFFLINE.</summary>
    public static HubResolver FromEnvironment() => new(HubClient.FromEnvironment());

    /// <summary>A local model folder for <paramref name="nameOrPath"/>: the path itself, or the cached snapshot of the Hub model.</summary>
    public string ResolveModel(string nameOrPath, Action<HubDownloadProgress>? progress = null, CancellationToken ct = default) =>
        ResolveModelAsync(nameOrPath, progress, ct).GetAwaiter().GetResult();

    public async Task<string> ResolveModelAsync(string nameOrPath, Action<HubDownloadProgress>? progress = null, CancellationToken ct = default)
    {
        if (Directory.Exists(nameOrPath) || File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        var repo = ParseName(nameOrPath, HubRepoType.Model);
        return await AsHubName(nameOrPath, () => DownloadModelAsync(repo, progress, ct)).ConfigureAwait(false);
    }

    /// <summary>A local data file for <paramref name="nameOrPath"/>: the path itself, or the cached file of the dataset's <paramref name="split"/>.</summary>
    public string ResolveDataFile(string nameOrPath, string split = "train", Action<HubDownloadProgress>? progress = null,
        CancellationToken ct = default) =>
        ResolveDataFileAsync(nameOrPath, split, progress, ct).GetAwaiter().GetResult();

    public async Task<string> ResolveDataFileAsync(string nameOrPath, string split = "train", Action<HubDownloadProgress>? progress = null,
        CancellationToken ct = default)
    {
        if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        var repo = ParseName(nameOrPath, HubRepoType.Dataset);
        var dataset = await AsHubName(nameOrPath, () => DownloadDatasetAsync(repo, split, progress, ct)).ConfigureAwait(false);
        return dataset.FileFor(split);
    }

    /// <summary>
    /// Fetches the files a job needs (<see cref="ModelFileSelection"/>) at one commit, as snapshot_download does: list once,
    /// download every file pinned to the listed commit, and point refs/{revision} at it. Returns snapshots/{commit}.
    /// </summary>
    public async Task<string> DownloadModelAsync(HubRepoId repo, Action<HubDownloadProgress>? progress = null, CancellationToken ct = default)
    {
        HubRepoListing listing;
        try
        {
            if (Client.Options.Offline || (repo.IsCommitHash && CachedModelIsComplete(repo)))
                return CachedModelFolder(repo, null);
            listing = await Client.ListFilesAsync(repo, ct).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Unreachable)
        {
            return CachedModelFolder(repo, e);
        }
        var pinned = repo.WithRevision(listing.CommitHash);
        foreach (string file in ModelFileSelection.Select(repo, listing.Files))
        {
            string local = await Client.DownloadFileAsync(pinned, file, progress, ct).ConfigureAwait(false);
            if (file.EndsWith(".index.json", StringComparison.Ordinal))
                foreach (string shard in ModelFileSelection.ShardsOf(local))
                    await Client.DownloadFileAsync(pinned, shard, progress, ct).ConfigureAwait(false);
        }
        Client.Cache.WriteRef(repo, listing.CommitHash);
        return Client.Cache.SnapshotFolder(repo, listing.CommitHash);
    }

    /// <summary>
    /// Fetches a dataset's data files (one split, or all when <paramref name="split"/> is null). A repo without plain data
    /// files (a loading script, say) is read from the Hub's Parquet conversion, revision refs/convert/parquet.
    /// </summary>
    public async Task<HubDataset> DownloadDatasetAsync(HubRepoId repo, string? split = null, Action<HubDownloadProgress>? progress = null,
        CancellationToken ct = default)
    {
        HubRepoListing listing;
        string? config = null;
        Dictionary<string, List<string>> splits;
        try
        {
            if (Client.Options.Offline) return CachedDataset(repo, split, null);
            listing = await Client.ListFilesAsync(repo, ct).ConfigureAwait(false);
            splits = DatasetFileSelection.BySplit(listing.Files);
            if (splits.Count == 0)
            {
                listing = await Client.ListFilesAsync(repo.WithRevision(DatasetFileSelection.ParquetRevision), ct).ConfigureAwait(false);
                var parquet = DatasetFileSelection.ParquetBySplit(listing.Files)
                    ?? throw new HubException($"Dataset {repo} has no data files ({string.Join(", ", listing.Files.Take(12))}) and its Parquet " +
                                              $"conversion ({DatasetFileSelection.ParquetRevision}) has no .parquet files either.");
                (config, splits) = parquet;
            }
        }
        catch (HubException e) when (e.Unreachable)
        {
            return CachedDataset(repo, split, e);
        }

        var wanted = SelectSplits(repo, splits.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value), split);
        var pinned = listing.Repo.WithRevision(listing.CommitHash);
        var local = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, files) in wanted)
        {
            var paths = new List<string>();
            foreach (string file in files) paths.Add(await Client.DownloadFileAsync(pinned, file, progress, ct).ConfigureAwait(false));
            local[name] = paths;
        }
        Client.Cache.WriteRef(listing.Repo, listing.CommitHash);
        return new HubDataset(repo, listing.CommitHash, Client.Cache.SnapshotFolder(listing.Repo, listing.CommitHash), config, local);
    }

    /// <summary>The Hub repo a non-path text names; throws a HubException that says it is neither a path nor a Hub name.</summary>
    public static HubRepoId ParseName(string nameOrPath, HubRepoType type)
    {
        if (!HubPaths.IsHubName(nameOrPath)) throw HubPaths.NotFound(nameOrPath);
        return HubRepoId.Parse(nameOrPath, type);
    }

    bool CachedModelIsComplete(HubRepoId repo) =>
        Client.Cache.TryGetCommit(repo) is { } commit && Directory.Exists(Client.Cache.SnapshotFolder(repo, commit))
        && ModelFileSelection.MissingFromFolder(Client.Cache.SnapshotFolder(repo, commit)).Count == 0;

    string CachedModelFolder(HubRepoId repo, HubException? networkError)
    {
        string why = networkError != null ? $"the Hub is unreachable ({networkError.Message})" : "HF_HUB_OFFLINE is set";
        string? commit = Client.Cache.TryGetCommit(repo);
        if (commit == null)
            throw new HubException($"Model {repo} is not in the cache and {why}: {Client.Cache.RefPath(repo)} does not exist.", networkError)
            { Unreachable = networkError != null };
        string folder = Client.Cache.SnapshotFolder(repo, commit);
        var missing = Directory.Exists(folder) ? ModelFileSelection.MissingFromFolder(folder) : ["config.json", "weights"];
        if (missing.Count > 0)
            throw new HubException($"Model {repo} is only partly in the cache and {why}: {folder} lacks {string.Join(", ", missing)}.", networkError)
            { Unreachable = networkError != null };
        return folder;
    }

    HubDataset CachedDataset(HubRepoId repo, string? split, HubException? networkError)
    {
        string why = networkError != null ? $"the Hub is unreachable ({networkError.Message})" : "HF_HUB_OFFLINE is set";
        var cache = Client.Cache;
        foreach (var candidate in new[] { repo, repo.WithRevision(DatasetFileSelection.ParquetRevision) })
        {
            if (cache.TryGetCommit(candidate) is not { } commit) continue;
            string folder = cache.SnapshotFolder(candidate, commit);
            if (!Directory.Exists(folder)) continue;
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')).ToList();
            bool isParquet = candidate.Revision == DatasetFileSelection.ParquetRevision;
            var grouped = isParquet ? DatasetFileSelection.ParquetBySplit(files)?.Splits : DatasetFileSelection.BySplit(files);
            if (grouped == null || grouped.Count == 0) continue;
            if (split != null && !grouped.ContainsKey(DatasetFileSelection.CanonicalSplit(split) ?? split)) continue;
            var local = grouped.ToDictionary(kv => kv.Key,
                kv => (IReadOnlyList<string>)kv.Value.Select(f => cache.SnapshotFile(candidate, commit, f)).ToList(), StringComparer.Ordinal);
            return new HubDataset(repo, commit, folder, isParquet ? DatasetFileSelection.ParquetBySplit(files)!.Value.Config : null, local);
        }
        throw new HubException($"Dataset {repo}{(split != null ? $" (split '{split}')" : "")} is not in the cache and {why}: " +
                               $"no data files under {cache.RepoFolder(repo)} for revision '{repo.Revision}' " +
                               $"(looked for {cache.RefPath(repo)} and its snapshot).", networkError)
        { Unreachable = networkError != null };
    }

    static Dictionary<string, IReadOnlyList<string>> SelectSplits(HubRepoId repo, Dictionary<string, IReadOnlyList<string>> splits, string? split)
    {
        if (split == null) return splits;
        string wanted = DatasetFileSelection.CanonicalSplit(split) ?? split;
        if (!splits.TryGetValue(wanted, out var files))
            throw new HubException($"Dataset {repo} has no '{split}' split; it has: {string.Join(", ", splits.Keys.Order())}.");
        return new Dictionary<string, IReadOnlyList<string>> { [wanted] = files };
    }

    static async Task<T> AsHubName<T>(string text, Func<Task<T>> fetch)
    {
        try
        {
            return await fetch().ConfigureAwait(false);
        }
        catch (HubException e) when (e.StatusCode is 401 or 404 && !e.Message.StartsWith("File '", StringComparison.Ordinal))
        {
            throw new HubException($"'{text}' is no local file or folder, so it was taken as a Hub name: {e.Message}", e) { StatusCode = e.StatusCode };
        }
    }
}
