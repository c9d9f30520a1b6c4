using T5Sharp.Hub;

namespace T5Sharp.Tests.Hub;

/// <summary>HF_HUB_OFFLINE: never a request; the cache answers (ours or one huggingface_hub wrote), or the message names what is missing.</summary>
public sealed class HubOfflineTests : IDisposable
{
    readonly HubFixture hub = new();
    public void Dispose() => hub.Dispose();

    [Fact]
    public void EmptyCacheNamesTheMissingRefWithoutARequest()
    {
        var e = Assert.Throws<HubException>(() => hub.Resolver(offline: true).ResolveModel(HubFixture.ModelId));
        string refPath = Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k", "refs", "main");
        Assert.Equal($"Model {HubFixture.ModelId} is not in the cache and HF_HUB_OFFLINE is set: {refPath} does not exist.", e.Message);
        Assert.Empty(hub.Server.Log);
    }

    [Fact]
    public void DownloadedModelResolvesOfflineWithoutARequest()
    {
        string folder = hub.Resolver().ResolveModel(HubFixture.ModelId);
        int requests = hub.Server.Log.Count;
        Assert.Equal(folder, hub.Resolver(offline: true).ResolveModel(HubFixture.ModelId));
        Assert.Equal(requests, hub.Server.Log.Count);
    }

    [Fact]
    public void ACacheWrittenByHuggingfaceHubIsUsed()
    {
        // The layout huggingface_hub documents: blobs/<etag>, snapshots/<commit>/<file> -> ../../blobs/<etag>, refs/main.
        string repoDir = Path.Combine(hub.CacheDir, "models--google--flan-t5-small");
        string commit = HubFixture.Commit("python");
        Directory.CreateDirectory(Path.Combine(repoDir, "blobs"));
        Directory.CreateDirectory(Path.Combine(repoDir, "snapshots", commit));
        foreach (var (file, bytes) in hub.ModelFiles)
        {
            string etag = HubFixture.Etag(file, bytes);
            File.WriteAllBytes(Path.Combine(repoDir, "blobs", etag), bytes);
            File.CreateSymbolicLink(Path.Combine(repoDir, "snapshots", commit, file), $"../../blobs/{etag}");
        }
        Directory.CreateDirectory(Path.Combine(repoDir, "refs"));
        File.WriteAllText(Path.Combine(repoDir, "refs", "main"), commit);

        string folder = hub.Resolver(offline: true).ResolveModel("google/flan-t5-small");
        Assert.Equal(Path.Combine(repoDir, "snapshots", commit), folder);
        Assert.Equal(hub.ModelFiles["model.safetensors"], File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.Empty(hub.Server.Log);
    }

    [Fact]
    public async Task PartialCacheSaysWhichFilesAreMissing()
    {
        var repo = new HubRepoId(HubFixture.ModelId, HubRepoType.Model);
        await hub.Client().DownloadFileAsync(repo, "config.json");
        var e = Assert.Throws<HubException>(() => hub.Resolver(offline: true).ResolveModel(HubFixture.ModelId));
        string folder = Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k", "snapshots", HubFixture.MainCommit);
        Assert.Equal($"Model {HubFixture.ModelId} is only partly in the cache and HF_HUB_OFFLINE is set: {folder} lacks " +
                     "model.safetensors or model.safetensors.index.json or pytorch_model.bin or pytorch_model.bin.index.json.", e.Message);

        var file = await Assert.ThrowsAsync<HubException>(() => hub.Client(offline: true).DownloadFileAsync(repo, "spiece.model"));
        Assert.Equal($"'spiece.model' of model {HubFixture.ModelId} is not in the cache and HF_HUB_OFFLINE is set: " +
                     $"{Path.Combine(folder, "spiece.model")} does not exist. Download it once with network access (T5Sharp or huggingface_hub share this cache).",
                     file.Message);
    }

    [Fact]
    public void EnvironmentVariablesAreReadAsHuggingfaceHubReadsThem()
    {
        var env = new Dictionary<string, string?>
        {
            ["HF_HOME"] = "/tmp/hf-home", ["HF_ENDPOINT"] = "http://127.0.0.1:9/mirror", ["HF_TOKEN"] = "hf_abc", ["HF_HUB_OFFLINE"] = "yes",
        };
        var options = HubOptions.FromEnvironment(k => env.GetValueOrDefault(k));
        Assert.Equal("/tmp/hf-home/hub", options.CacheDir);
        Assert.Equal("http://127.0.0.1:9/mirror", options.Endpoint.ToString());
        Assert.Equal("hf_abc", options.Token);
        Assert.True(options.Offline);
        Assert.Equal(new Uri("http://127.0.0.1:9/mirror/t5sharp/x/resolve/refs%2Fconvert%2Fparquet/a%20b/c.json").AbsoluteUri,
            new HubClient(options).FileUrl(new HubRepoId("t5sharp/x", HubRepoType.Model, "refs/convert/parquet"), "a b/c.json").AbsoluteUri);

        env["HF_HUB_CACHE"] = "/tmp/hub-cache";
        env["HF_HUB_OFFLINE"] = "0";
        options = HubOptions.FromEnvironment(k => env.GetValueOrDefault(k));
        Assert.Equal("/tmp/hub-cache", options.CacheDir);
        Assert.False(options.Offline);

        var defaults = HubOptions.FromEnvironment(k => k == "XDG_CACHE_HOME" ? "/tmp/xdg" : null);
        Assert.Equal("/tmp/xdg/huggingface/hub", defaults.CacheDir);
        Assert.Equal("https://huggingface.co/", defaults.Endpoint.ToString());
        Assert.False(defaults.Offline);
    }
}
