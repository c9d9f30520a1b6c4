namespace T5Sharp.Hub;

/// <summary>
/// huggingface_hub's cache layout, so that files downloaded by Python are found here and the other way round:
/// <code>
/// {root}/models--owner--name/blobs/{etag}                      file contents, named by sha256 (LFS) or git blob sha1
/// {root}/models--owner--name/snapshots/{commit}/{path}         relative symlinks to ../../blobs/{etag}
/// {root}/models--owner--name/refs/{revision}                   the commit hash a branch or tag pointed to, no newline
/// {root}/models--owner--name/.no_exist/{commit}/{path}         empty marker: the Hub said 404 for that file at that commit
/// {root}/.locks/models--owner--name/{etag}.lock                held while a blob is being downloaded
/// </code>
/// A partial download is <c>blobs/{etag}.incomplete</c>, resumed by the next attempt.
/// </summary>
public sealed class HubCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string RepoFolder(HubRepoId repo) => Path.Combine(Root, repo.CacheFolderName);
    public string BlobPath(HubRepoId repo, string etag) => Path.Combine(RepoFolder(repo), "blobs", etag);
    public string IncompletePath(HubRepoId repo, string etag) => BlobPath(repo, etag) + ".incomplete";
    public string SnapshotFolder(HubRepoId repo, string commit) => Path.Combine(RepoFolder(repo), "snapshots", commit);
    public string SnapshotFile(HubRepoId repo, string commit, string file) => Path.Combine(SnapshotFolder(repo, commit), ToLocal(file));
    public string RefPath(HubRepoId repo) => Path.Combine(RepoFolder(repo), "refs", ToLocal(repo.Revision));
    public string NoExistPath(HubRepoId repo, string commit, string file) => Path.Combine(RepoFolder(repo), ".no_exist", commit, ToLocal(file));
    public string LockPath(HubRepoId repo, string etag) => Path.Combine(Root, ".locks", repo.CacheFolderName, etag + ".lock");

    /// <summary>The commit the repo's revision resolves to without the network: the revision itself if it is a hash, else refs/{revision}.</summary>
    public string? TryGetCommit(HubRepoId repo)
    {
        if (repo.IsCommitHash) return repo.Revision;
        string refPath = RefPath(repo);
        if (!File.Exists(refPath)) return null;
        string commit = File.ReadAllText(refPath).Trim();
        return HubRepoId.IsCommit(commit) ? commit : null;
    }

    /// <summary>The cached snapshot file of <paramref name="file"/> at the repo's revision, or null when it is not there.</summary>
    public string? TryGetCachedFile(HubRepoId repo, string file)
    {
        string? commit = TryGetCommit(repo);
        if (commit == null) return null;
        string path = SnapshotFile(repo, commit, file);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Whether a previous online lookup recorded that <paramref name="file"/> does not exist at the repo's revision.</summary>
    public bool IsKnownMissing(HubRepoId repo, string file) =>
        TryGetCommit(repo) is { } commit && File.Exists(NoExistPath(repo, commit, file));

    internal void WriteRef(HubRepoId repo, string commit)
    {
        // huggingface_hub writes no ref for a revision that is itself the commit hash.
        if (repo.Revision == commit) return;
        string path = RefPath(repo);
        if (File.Exists(path) && File.ReadAllText(path) == commit) return;
        Formats.AtomicFile.WriteAllText(path, commit);
    }

    internal void MarkMissing(HubRepoId repo, string commit, string file)
    {
        string path = NoExistPath(repo, commit, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (File.Create(path)) { }
    }

    /// <summary>
    /// Points snapshots/{commit}/{file} at blobs/{etag} with a RELATIVE symlink (as huggingface_hub does, so the cache can be
    /// moved). The link is made under a temporary name and renamed over, so a concurrent reader never sees a missing file.
    /// Where symlinks can't be made (some Windows setups) the blob is copied, which is huggingface_hub's fallback too.
    /// </summary>
    internal string LinkSnapshot(HubRepoId repo, string commit, string file, string etag)
    {
        string link = SnapshotFile(repo, commit, file);
        string blob = BlobPath(repo, etag);
        string folder = Path.GetDirectoryName(link)!;
        Directory.CreateDirectory(folder);
        string target = Path.GetRelativePath(folder, blob);
        var existing = new FileInfo(link);
        if (existing.LinkTarget == target) return link;
        string tmp = $"{link}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            File.CreateSymbolicLink(tmp, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, tmp);
        }
        File.Move(tmp, link, overwrite: true);
        return link;
    }

    /// <summary>A Hub path or revision as a local relative path; rejects anything that would leave the cache folder.</summary>
    internal static string ToLocal(string relative)
    {
        if (!IsSafeRelativePath(relative))
            throw new HubException($"'{relative}' is not a safe relative path inside the cache (no '..', '\\\\' or leading '/').");
        return relative.Replace('/', Path.DirectorySeparatorChar);
    }

    internal static bool IsSafeRelativePath(string relative) =>
        relative.Length > 0 && !relative.StartsWith('/') && !relative.Contains('\\') && !relative.Contains('\0')
        && relative.Split('/').All(part => part.Length > 0 && part != "." && part != "..");
}
