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

    [Fact]
    public void RunJsonNamingAHubModelAndHubDatasetTrains()
    {
        using var hub = new HubFixture();
        using var dir = new TempDir();
        var env = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Server.Endpoint.ToString().TrimEnd('/'), ["HF_HUB_CACHE"] = dir.File("cache") };
        File.WriteAllText(dir.File("run.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = HubFixture.ModelId, ["data"] = HubFixture.DatasetId, ["eval_data"] = HubFixture.DatasetId,
            ["source_field"] = "dialogue", ["target_field"] = "summary", ["max_source_length"] = 64, ["max_target_length"] = 32,
            ["max_steps"] = 2, ["per_device_train_batch_size"] = 2, ["logging_steps"] = 1, ["eval_strategy"] = "no",
            ["save_strategy"] = "no", ["output_dir"] = dir.File("run"),
        }));

        var train = CliRunner.RunWith(env, "train", "--config", dir.File("run.json"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("downloaded model.safetensors", train.Stderr); // the CLI's progress lines, for names from run.json too
        Assert.True(File.Exists(Path.Combine(dir.File("run"), "final", "model.safetensors")));
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("run"), "run.json")));
        string data = Path.Combine(dir.File("cache"), "datasets--t5sharp--tiny-dialogsum", "snapshots", HubFixture.DataCommit, "data");
        Assert.Equal(Path.Combine(dir.File("cache"), "models--t5sharp--tiny-flan-32k", "snapshots", HubFixture.MainCommit),
            saved.RootElement.GetProperty("model").GetString());
        Assert.Equal(Path.Combine(data, "train.jsonl"), saved.RootElement.GetProperty("data").GetString());
        Assert.Equal(Path.Combine(data, "validation.jsonl"), saved.RootElement.GetProperty("eval_data").GetString());
        Assert.Contains($"GET /datasets/t5sharp/tiny-dialogsum/resolve/{HubFixture.DataCommit}/data/train.jsonl", hub.Server.Log);
    }

    [Fact]
    public void AMissingLocalPathOfTheHubsFormIsNotFoundNotAHubFailure()
    {
        using var hub = new HubFixture();
        var env = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Server.Endpoint.ToString().TrimEnd('/'), ["HF_HUB_CACHE"] = hub.CacheDir };
        // the CLI runs in this process's working directory: a folder there makes "<folder>/nope" a local path
        string folder = Directory.CreateDirectory("t5sharp-runs-" + Guid.NewGuid().ToString("N")[..8]).Name;
        try
        {
            var result = CliRunner.RunWith(env, "generate", "--model", $"{folder}/nope", "--input", "x");
            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"error: '{folder}/nope' is not an existing local path (and '{folder}' is a local folder, so it was not taken as a Hub name).",
                result.Stderr.Trim());
            Assert.Empty(hub.Server.Log);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
