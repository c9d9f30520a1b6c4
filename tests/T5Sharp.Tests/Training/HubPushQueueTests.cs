using T5Sharp.Hub;
using T5Sharp.Tests.Hub;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// hub_strategy as HF's Trainer applies it, on hand-made checkpoint folders pushed to the fake Hub: what each save and the
/// end commit, where, and that a failed or overlapping push is reported without stopping anything.
/// </summary>
public sealed class HubPushQueueTests : IDisposable
{
    readonly HubFixture hub = new();
    readonly TempDir run = new();

    public HubPushQueueTests() => hub.Server.AcceptedToken = HubFixture.Token;

    public void Dispose()
    {
        hub.Dispose();
        run.Dispose();
    }

    string Checkpoint(long step)
    {
        string dir = run.File($"checkpoint-{step}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), $"{{\"step\": {step}}}\n");
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), Enumerable.Repeat((byte)step, 600).ToArray());
        foreach (string f in HubPushQueue.ResumeStateFiles) File.WriteAllText(Path.Combine(dir, f), $"{f} at {step}\n");
        File.WriteAllText(Path.Combine(dir, "training_args.json"), "{}\n");
        return dir;
    }

    string Final()
    {
        string dir = run.File("final");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"step\": \"final\"}\n");
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), Enumerable.Repeat((byte)9, 600).ToArray());
        return dir;
    }

    HubPushQueue Queue(string strategy, bool alwaysPush = false, string? token = HubFixture.Token) =>
        new(new HubUploader(hub.Options(token: token) with { RetryDelay = TimeSpan.FromMilliseconds(5), UploadRetries = 1 }),
            new HubRepoId("t5sharp/run", HubRepoType.Model), strategy, alwaysPush: alwaysPush);

    List<string> Commit(int i) => [.. hub.Server.Commits.ElementAt(i).Order(StringComparer.Ordinal)];

    FakeHubServer.Repo RepoOnHub => hub.Server.Repos["models/t5sharp/run"];
    Dictionary<string, byte[]> Main => RepoOnHub.Commits[RepoOnHub.Refs["main"]];

    [Fact]
    public async Task EverySavePushesEachCheckpointsModelToTheRootThenTheFinalModel()
    {
        var queue = Queue("every_save");
        Assert.True(queue.OnSave(Checkpoint(10), 10));
        await queue.WaitAsync();
        Assert.Equal(["file config.json", "file training_args.json", "lfsFile model.safetensors"], Commit(0));
        Assert.True(queue.OnSave(Checkpoint(20), 20));
        await queue.WaitAsync();
        Assert.Equal("{\"step\": 20}\n", System.Text.Encoding.UTF8.GetString(Main["config.json"]));
        var reports = await queue.OnTrainEndAsync(Final());

        Assert.Equal(["Training in progress, step 10", "Training in progress, step 20", "End of training"], reports.Select(r => r.CommitMessage));
        Assert.All(reports, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal([".gitattributes", "config.json", "model.safetensors", "training_args.json"], Main.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("{\"step\": \"final\"}\n", System.Text.Encoding.UTF8.GetString(Main["config.json"]));
        Assert.Equal(3, hub.Server.Commits.Count);
    }

    [Fact]
    public async Task CheckpointAlsoPushesTheWholeCheckpointToLastCheckpoint()
    {
        var queue = Queue("checkpoint");
        queue.OnSave(Checkpoint(5), 5);
        await queue.WaitAsync();
        Assert.Equal(2, hub.Server.Commits.Count);
        Assert.Equal(["file last-checkpoint/config.json", "file last-checkpoint/trainer_state.json", "file last-checkpoint/training_args.json",
                      "file last-checkpoint/training_progress.json", "lfsFile last-checkpoint/model.safetensors",
                      "lfsFile last-checkpoint/optimizer.safetensors", "lfsFile last-checkpoint/rng_state.safetensors"], Commit(1));
        Assert.Equal(["Training in progress, step 5", "Training in progress, step 5, checkpoint"], queue.Reports.Select(r => r.CommitMessage));
        Assert.DoesNotContain("optimizer.safetensors", Main.Keys);
    }

    [Fact]
    public async Task AllCheckpointsKeepsEveryCheckpointInItsOwnFolder()
    {
        var queue = Queue("all_checkpoints", alwaysPush: true);
        queue.OnSave(Checkpoint(1), 1);
        queue.OnSave(Checkpoint(2), 2);
        await queue.OnTrainEndAsync(Final());
        Assert.Contains("checkpoint-1/optimizer.safetensors", Main.Keys);
        Assert.Contains("checkpoint-2/trainer_state.json", Main.Keys);
        Assert.Equal("{\"step\": \"final\"}\n", System.Text.Encoding.UTF8.GetString(Main["config.json"]));
        Assert.Equal(5, hub.Server.Commits.Count);    // root + folder per save, then the end
    }

    [Fact]
    public async Task EndPushesOnlyAtTheEnd()
    {
        var queue = Queue("end");
        Assert.False(queue.OnSave(Checkpoint(1), 1));
        await queue.WaitAsync();
        Assert.False(hub.Server.Repos.ContainsKey("models/t5sharp/run"));
        var reports = await queue.OnTrainEndAsync(Final());
        Assert.Equal("End of training", Assert.Single(reports).CommitMessage);
        Assert.Equal([".gitattributes", "config.json", "model.safetensors"], Main.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ASaveDuringARunningPushIsSkippedUnlessAlwaysPush()
    {
        hub.Server.PreuploadDelay = TimeSpan.FromMilliseconds(400);
        var queue = Queue("every_save");
        Assert.True(queue.OnSave(Checkpoint(1), 1));
        Assert.False(queue.OnSave(Checkpoint(2), 2));
        await queue.WaitAsync();
        Assert.Equal([(1L, false), (2L, true)], queue.Reports.Select(r => (r.Step!.Value, r.Skipped)).OrderBy(r => r.Item1));

        var always = Queue("every_save", alwaysPush: true);
        Assert.True(always.OnSave(Checkpoint(3), 3));
        Assert.True(always.OnSave(Checkpoint(4), 4));
        await always.WaitAsync();
        Assert.Equal([3L, 4L], always.Reports.Select(r => r.Step!.Value));
        Assert.Equal("{\"step\": 4}\n", System.Text.Encoding.UTF8.GetString(Main["config.json"]));
    }

    [Fact]
    public async Task AFailedPushIsReportedAndTheQueueGoesOn()
    {
        var seen = new List<HubPushReport>();
        var queue = new HubPushQueue(new HubUploader(hub.Options(token: null)), new HubRepoId("t5sharp/run", HubRepoType.Model), "every_save",
            onReport: seen.Add);
        Assert.True(queue.OnSave(Checkpoint(1), 1));
        var reports = await queue.OnTrainEndAsync(Final());
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.StartsWith("Pushing to model repository 't5sharp/run' needs a token with write access", r.Error));
        Assert.Equal(reports, seen);
        await Assert.ThrowsAsync<HubException>(() => queue.CreateRepoAsync());
    }

    [Fact]
    public void ArgumentsParseValidateAndMaskTheToken()
    {
        var args = TrainingArguments.FromJson("""
            {"output_dir": "runs/my-run", "push_to_hub": true, "hub_strategy": "checkpoint", "hub_private_repo": true, "hub_token": "hf_secret"}
            """, "run.json");
        Assert.Equal(("checkpoint", true, "hf_secret"), (args.HubStrategy, args.HubPrivateRepo!.Value, args.HubToken));
        Assert.DoesNotContain("hf_secret", args.ToJson());
        Assert.Equal("<HUB_TOKEN>", System.Text.Json.JsonDocument.Parse(args.ToJson()).RootElement.GetProperty("hub_token").GetString());
        Assert.Equal("hf_secret", args.HubToken);
        Assert.Null(TrainingArguments.FromJson(args.ToJson(), "saved").HubToken);
        Assert.Equal("hf_secret", args.Clone().HubToken);

        var queue = HubPushQueue.FromArguments(args, hub.Options());
        Assert.Equal(("my-run", "checkpoint"), (queue!.Repo.Id, queue.Strategy));
        Assert.Null(HubPushQueue.FromArguments(new TrainingArguments()));

        var bad = Assert.Throws<TrainingException>(() => TrainingArguments.FromJson("""{"hub_strategy": "sometimes"}""", "run.json"));
        Assert.Equal("run.json: training argument hub_strategy must be one of end, every_save, checkpoint, all_checkpoints, found sometimes", bad.Message);
        var id = Assert.Throws<TrainingException>(() => TrainingArguments.FromJson("""{"hub_model_id": "a/b/c"}""", "run.json"));
        Assert.StartsWith("run.json: training argument hub_model_id must be a Hub repository name", id.Message);
    }

    [Fact]
    public async Task ANameWithoutNamespaceIsCreatedUnderTheTokensUser()
    {
        var queue = new HubPushQueue(new HubUploader(hub.Options(token: HubFixture.Token)), new HubRepoId("my-run", HubRepoType.Model), "end");
        Assert.Equal("t5sharp/my-run", (await queue.CreateRepoAsync()).Id);
        var reports = await queue.OnTrainEndAsync(Final());
        Assert.Equal("t5sharp/my-run", reports.Single().Result!.Repo.Id);
        Assert.True(hub.Server.Repos.ContainsKey("models/t5sharp/my-run"));
    }
}
