using T5Sharp.Hub;

namespace T5Sharp.Tests.Hub;

/// <summary>The client against a local server speaking the Hub's protocol: first download, cache hits, revisions, resume, checksums, locks.</summary>
public sealed class HubDownloadTests : IDisposable
{
    readonly HubFixture hub = new();
    public void Dispose() => hub.Dispose();

    static readonly string[] Needed =
        ["config.json", "model.safetensors", "generation_config.json", "spiece.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

    [Fact]
    public void FirstDownloadWritesExactlyTheTreeHuggingfaceHubWrites()
    {
        var progress = new List<HubDownloadProgress>();
        string folder = hub.Resolver().ResolveModel(HubFixture.ModelId, p => { lock (progress) progress.Add(p); });

        string repoDir = Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k");
        Assert.Equal(Path.Combine(repoDir, "snapshots", HubFixture.MainCommit), folder);
        // The documented layout: blobs named by etag, snapshot entries as relative symlinks, refs/main = commit, one lock per blob.
        var expected = new List<string> { "models--t5sharp--tiny-flan-32k/", "models--t5sharp--tiny-flan-32k/blobs/",
            "models--t5sharp--tiny-flan-32k/refs/", "models--t5sharp--tiny-flan-32k/refs/main",
            "models--t5sharp--tiny-flan-32k/snapshots/", $"models--t5sharp--tiny-flan-32k/snapshots/{HubFixture.MainCommit}/",
            ".locks/", ".locks/models--t5sharp--tiny-flan-32k/" };
        foreach (string file in Needed)
        {
            string etag = HubFixture.Etag(file, hub.ModelFiles[file]);
            expected.Add($"models--t5sharp--tiny-flan-32k/blobs/{etag}");
            expected.Add($"models--t5sharp--tiny-flan-32k/snapshots/{HubFixture.MainCommit}/{file} -> ../../blobs/{etag}");
            expected.Add($".locks/models--t5sharp--tiny-flan-32k/{etag}.lock");
        }
        Assert.Equal(expected.Order(StringComparer.Ordinal), Tree(hub.CacheDir));
        Assert.Equal(HubFixture.MainCommit, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        foreach (string file in Needed) Assert.Equal(hub.ModelFiles[file], File.ReadAllBytes(Path.Combine(folder, file)));

        // Nothing the job does not need was fetched or even asked for.
        foreach (string file in HubFixture.UnneededFiles)
            Assert.DoesNotContain(hub.Server.Log, l => l.EndsWith("/" + file, StringComparison.Ordinal));
        Assert.Equal(1, hub.Server.Count("GET /api/models/t5sharp/tiny-flan-32k"));
        Assert.Equal(2, hub.Server.Count("GET /cdn/"));   // the two LFS files, model.safetensors and spiece.model, once each
        var weights = progress.Where(p => p.FileName == "model.safetensors").ToList();
        Assert.Equal(17245848, weights[^1].BytesDone);
        Assert.All(weights, p => Assert.Equal(17245848, p.TotalBytes));
        Assert.True(weights.Zip(weights.Skip(1)).All(w => w.First.BytesDone <= w.Second.BytesDone));
    }

    [Fact]
    public void CacheHitsNeedNoNetwork()
    {
        string folder = hub.Resolver().ResolveModel(HubFixture.ModelId);
        int requests = hub.Server.Log.Count;

        // A pinned commit already in the cache answers without one request.
        Assert.Equal(folder, hub.Resolver().ResolveModel($"{HubFixture.ModelId}@{HubFixture.MainCommit}"));
        Assert.Equal(requests, hub.Server.Log.Count);

        // With the Hub gone, "main" falls back to the cached snapshot that refs/main names.
        var options = hub.Options();
        hub.Server.Dispose();
        Assert.Equal(folder, new HubResolver(new HubClient(options)).ResolveModel(HubFixture.ModelId));
    }

    [Fact]
    public void RevisionPinsATagAndSharesUnchangedBlobs()
    {
        string main = hub.Resolver().ResolveModel(HubFixture.ModelId);
        string v1 = hub.Resolver().ResolveModel(HubFixture.ModelId + "@v1");

        string repoDir = Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k");
        Assert.Equal(Path.Combine(repoDir, "snapshots", HubFixture.V1Commit), v1);
        Assert.Equal(HubFixture.V1Commit, File.ReadAllText(Path.Combine(repoDir, "refs", "v1")));
        Assert.Equal(HubFixture.MainCommit, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        Assert.Equal(hub.V1Config, File.ReadAllBytes(Path.Combine(v1, "config.json")));
        Assert.Equal(hub.ModelFiles["config.json"], File.ReadAllBytes(Path.Combine(main, "config.json")));
        // Same weights in both commits: one blob, fetched once from the CDN.
        Assert.Equal(new FileInfo(Path.Combine(main, "model.safetensors")).LinkTarget, new FileInfo(Path.Combine(v1, "model.safetensors")).LinkTarget);
        string sha = FakeHubServer.Sha256(hub.ModelFiles["model.safetensors"]);
        Assert.Equal(1, hub.Server.Count($"GET /cdn/{sha}"));
        Assert.Equal(Needed.Length + 1, Directory.GetFiles(Path.Combine(repoDir, "blobs")).Length);
        Assert.Contains(hub.Server.Log, l => l.StartsWith("GET /api/models/t5sharp/tiny-flan-32k/revision/v1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InterruptedTransferResumesWithARangeRequest()
    {
        hub.Server.BreakAfterBytes = 3 << 20;
        hub.Server.BreaksLeft = 1;
        var repo = new HubRepoId(HubFixture.ModelId, HubRepoType.Model);
        string path = await hub.Client().DownloadFileAsync(repo, "model.safetensors");

        string sha = FakeHubServer.Sha256(hub.ModelFiles["model.safetensors"]);
        Assert.Equal(hub.ModelFiles["model.safetensors"], File.ReadAllBytes(path));
        Assert.Contains($"GET /cdn/{sha} Range: bytes={3 << 20}-", hub.Server.Log);
        Assert.False(File.Exists(hub.Client().Cache.IncompletePath(repo, sha)));
    }

    [Fact]
    public async Task APartialBlobLeftByAnotherProcessIsResumed()
    {
        var repo = new HubRepoId(HubFixture.ModelId, HubRepoType.Model);
        var client = hub.Client();
        string sha = FakeHubServer.Sha256(hub.ModelFiles["model.safetensors"]);
        string incomplete = client.Cache.IncompletePath(repo, sha);
        Directory.CreateDirectory(Path.GetDirectoryName(incomplete)!);
        File.WriteAllBytes(incomplete, hub.ModelFiles["model.safetensors"][..1_000_000]);

        string path = await client.DownloadFileAsync(repo, "model.safetensors");

        Assert.Equal(hub.ModelFiles["model.safetensors"], File.ReadAllBytes(path));
        Assert.Equal([$"GET /cdn/{sha} Range: bytes=1000000-"], hub.Server.Log.Where(l => l.StartsWith("GET /cdn/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ChecksumMismatchIsRejectedAndNothingEntersTheCache()
    {
        hub.Server.CorruptBlobs = true;
        var repo = new HubRepoId(HubFixture.ModelId, HubRepoType.Model);
        var client = hub.Client();
        var e = await Assert.ThrowsAsync<HubException>(() => client.DownloadFileAsync(repo, "model.safetensors"));

        string sha = FakeHubServer.Sha256(hub.ModelFiles["model.safetensors"]);
        var corrupt = (byte[])hub.ModelFiles["model.safetensors"].Clone();
        corrupt[corrupt.Length / 2] ^= 0xFF;
        Assert.Equal($"Checksum mismatch for 'model.safetensors' of {HubFixture.ModelId}: sha256 of the downloaded bytes is " +
                     $"{FakeHubServer.Sha256(corrupt)}, the Hub's ETag says {sha}. The file was deleted and nothing entered the cache.", e.Message);
        Assert.False(File.Exists(client.Cache.BlobPath(repo, sha)));
        Assert.False(File.Exists(client.Cache.IncompletePath(repo, sha)));
        Assert.False(File.Exists(client.Cache.SnapshotFile(repo, HubFixture.MainCommit, "model.safetensors")));
    }

    [Fact]
    public async Task ConcurrentDownloadsOfOneFileFetchItOnce()
    {
        hub.Server.BlobDelay = TimeSpan.FromMilliseconds(300);
        var repo = new HubRepoId(HubFixture.ModelId, HubRepoType.Model);
        // Two clients with their own state, as two processes would be; they meet only at the lock file.
        var downloads = new[] { hub.Client(), hub.Client() }.Select(c => Task.Run(() => c.DownloadFileAsync(repo, "model.safetensors"))).ToArray();
        string[] paths = await Task.WhenAll(downloads);

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(hub.ModelFiles["model.safetensors"], File.ReadAllBytes(paths[0]));
        Assert.Equal(1, hub.Server.Count("GET /cdn/"));
        Assert.Equal(2, hub.Server.Count("HEAD /t5sharp/tiny-flan-32k/resolve/main/model.safetensors"));
    }

    [Fact]
    public void RenamedRepoFollowsTheRelativeRedirect()
    {
        string folder = hub.Resolver().ResolveModel("t5sharp/old-flan-name@" + HubFixture.MainCommit);
        Assert.Equal(Path.Combine(hub.CacheDir, "models--t5sharp--old-flan-name", "snapshots", HubFixture.MainCommit), folder);
        Assert.Equal(hub.ModelFiles["config.json"], File.ReadAllBytes(Path.Combine(folder, "config.json")));
        Assert.Contains($"HEAD /t5sharp/tiny-flan-32k/resolve/{HubFixture.MainCommit}/config.json", hub.Server.Log);
    }

    /// <summary>Every entry under <paramref name="root"/>: folders end in '/', symlinks show ' -> target'.</summary>
    internal static List<string> Tree(string root) =>
        new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(i =>
            {
                string rel = Path.GetRelativePath(root, i.FullName);
                return i.LinkTarget != null ? $"{rel} -> {i.LinkTarget}" : i is DirectoryInfo ? rel + "/" : rel;
            })
            .Order(StringComparer.Ordinal).ToList();
}
