using System.Text.Json;
using T5Sharp.Tests.Hub;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>Verbs given Hub names instead of paths, against the local fake Hub (HF_ENDPOINT), then offline from the cache.</summary>
public class CliHubTests
{
    [Fact]
    public void ModelAndDataByHubNameThenOfflineFromTheCache()
    {
        using var hub = new HubFixture();
        using var cache = new TempDir();
        var env = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Server.Endpoint.ToString().TrimEnd('/'), ["HF_HUB_CACHE"] = cache.Path };

        var score = CliRunner.RunWith(env, "score", "--model", HubFixture.ModelId, "--data", HubFixture.DatasetId,
            "--source-field", "dialogue", "--target-field", "summary", "--max-source-length", "64");
        Assert.True(score.ExitCode == 0, score.Stderr);
        var lines = score.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(hub.DatasetLines["train"].Length + 1, lines.Length); // one line per record, then the mean
        Assert.True(JsonDocument.Parse(lines[^1]).RootElement.GetProperty("mean_loss").GetDouble() > 0);
        Assert.True(Directory.Exists(Path.Combine(cache.Path, "models--t5sharp--tiny-flan-32k", "snapshots", HubFixture.MainCommit)));

        // Offline: no request, the cached snapshot serves the same model.
        int requests = hub.Server.Log.Count;
        var offline = new Dictionary<string, string>(env) { ["HF_HUB_OFFLINE"] = "1" };
        var info = CliRunner.RunWith(offline, "info", HubFixture.ModelId);
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Contains("model.safetensors", info.Stdout);
        Assert.Equal(requests, hub.Server.Log.Count);

        var missing = CliRunner.RunWith(offline, "info", "t5sharp/never-downloaded");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: ", missing.Stderr);
        Assert.Contains("HF_HUB_OFFLINE", missing.Stderr);
    }
}
