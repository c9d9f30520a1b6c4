using T5Sharp.Pretrained;
using T5Sharp.Tests.Hub;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>push_to_hub with hub_strategy=every_save on a real training run: each checkpoint, then the final model, reach the fake Hub.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class HubPushTrainingTests
{
    [Fact]
    public void EverySavePushesEachCheckpointAndTheFinalModel()
    {
        using var temp = new TempDir();
        using var hub = new HubFixture();
        hub.Server.AcceptedToken = HubFixture.Token;
        // the 32k-vocabulary model's weights are 17 MB: multipart in 4 MiB parts, as the Hub splits large files
        (hub.Server.MaxFileSize, hub.Server.MultipartThreshold, hub.Server.ChunkSize) = (64 << 20, 8 << 20, 4 << 20);
        string data = TrainingRunEndToEndTests.WriteData(temp);
        var options = TrainingRunEndToEndTests.Options(TrainingRunEndToEndTests.WriteModel(temp, 0.0), data, temp.File("run"),
            "max_steps=4", "save_strategy=steps", "save_steps=2", "push_to_hub=true", "hub_model_id=\"t5sharp/trained\"",
            "hub_strategy=\"every_save\"", "hub_always_push=true");
        using var pretrained = PretrainedT5.Load(options.Model!);
        var push = HubPushCallback.FromArguments(options.Training, temp.File("run/final"), hub.Options(token: HubFixture.Token))!;
        var seen = new List<string>();
        push.Reported += r => { lock (seen) seen.Add(r.CommitMessage); };
        var result = new Seq2SeqTrainer(options, pretrained, [push]).Train();

        Assert.Equal(4, result.State.GlobalStep);
        Assert.All(push.Reports, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(["Training in progress, step 2", "Training in progress, step 4", "End of training"],
            push.Reports.Select(r => r.CommitMessage));
        Assert.Equal(push.Reports.Select(r => r.CommitMessage), seen);
        var repo = hub.Server.Repos["models/t5sharp/trained"];
        var main = repo.Commits[repo.Refs["main"]];
        Assert.Equal(File.ReadAllBytes(temp.File("run/final/model.safetensors")), main["model.safetensors"]);
        Assert.Equal(File.ReadAllBytes(temp.File("run/final/config.json")), main["config.json"]);
        Assert.DoesNotContain("optimizer.pt", main.Keys); // resume state stays out of the repo root under every_save
    }
}
