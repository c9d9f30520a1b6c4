using T5Sharp.Formats;
using T5Sharp.Hub;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Hub;

/// <summary>
/// Names or paths as the library takes them (HubPaths, PretrainedT5.Load, a run's model/data/eval_data): only text of
/// the form owner/name[@revision] that is no local path goes to the Hub; a missing local path is named as missing.
/// </summary>
public sealed class HubPathsTests : IDisposable
{
    readonly HubFixture hub = new();
    // A folder in the working directory, so that "<it>/nope" is a relative local path of the Hub's owner/name form.
    readonly string localFolder = Directory.CreateDirectory("t5sharp-local-" + Guid.NewGuid().ToString("N")[..8]).Name;

    public void Dispose()
    {
        Directory.Delete(localFolder, recursive: true);
        hub.Dispose();
    }

    [Theory]
    [InlineData("google/flan-t5-small", true)]
    [InlineData("knkarthick/dialogsum@main", true)]
    [InlineData("t5-small", false)] // the Hub's form is owner/name
    [InlineData("./runs/demo", false)]
    [InlineData("/abs/model", false)]
    [InlineData("runs/demo/final", false)]
    [InlineData("data/train.jsonl", false)]
    [InlineData("exports/qa.parquet", false)]
    public void OnlyOwnerSlashNameIsAHubName(string text, bool isHubName) => Assert.Equal(isHubName, HubPaths.IsHubName(text));

    [Fact]
    public void AMissingPathUnderALocalFolderIsNotFoundWithoutAnyRequest()
    {
        string text = $"{localFolder}/nope";
        Assert.False(HubPaths.IsHubName(text));
        var paths = new HubPaths(hub.Resolver());
        var e = Assert.Throws<HubException>(() => paths.Model(text));
        Assert.Equal($"'{text}' is not an existing local path (and '{localFolder}' is a local folder, so it was not taken as a Hub name).", e.Message);
        Assert.Equal(e.Message, Assert.Throws<HubException>(() => paths.DataFile(text)).Message);
        // the loader names the folder it could not find
        Assert.Equal($"{text}: model folder not found",
            Assert.Throws<CheckpointException>(() => PretrainedT5.Load(text, new PretrainedLoadOptions { Hub = paths })).Message);
        Assert.Empty(hub.Server.Log);
    }

    [Fact]
    public void PretrainedLoadTakesAHubNameAndReportsProgress()
    {
        var progress = new List<HubDownloadProgress>();
        var paths = new HubPaths(hub.Resolver(), p => { lock (progress) progress.Add(p); });
        using var pretrained = PretrainedT5.Load(HubFixture.ModelId, new PretrainedLoadOptions { Hub = paths });
        Assert.Equal(Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k", "snapshots", HubFixture.MainCommit), pretrained.Directory);
        Assert.Contains(progress, p => p.FileName == "model.safetensors" && p.BytesDone == hub.ModelFiles["model.safetensors"].Length);
    }

    [Fact]
    public void RunOptionsResolveHubNamesOfModelDataAndEvalData()
    {
        var options = RunOptions.Parse($$"""
            {"model": "{{HubFixture.ModelId}}", "data": "{{HubFixture.DatasetId}}", "eval_data": "{{HubFixture.DatasetId}}",
             "source_field": "dialogue", "target_field": "summary"}
            """, "run.json", hub: new HubPaths(hub.Resolver()));
        string data = Path.Combine(hub.CacheDir, "datasets--t5sharp--tiny-dialogsum", "snapshots", HubFixture.DataCommit, "data");
        Assert.Equal(Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k", "snapshots", HubFixture.MainCommit), options.Model);
        Assert.Equal([Path.Combine(data, "train.jsonl")], options.DataFiles);
        Assert.Equal(Path.Combine(data, "validation.jsonl"), options.EvalData);

        // Arrays too; local paths (even missing ones) stay as written, for the reader to report.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.jsonl"), "");
        var mixed = RunOptions.Parse($$"""{"model": "{{localFolder}}/nope", "data": ["{{dir.File("a.jsonl")}}", "{{HubFixture.DatasetId}}", "missing.jsonl"]}""",
            "run.json", hub: new HubPaths(hub.Resolver()));
        Assert.Equal($"{localFolder}/nope", mixed.Model);
        Assert.Equal([dir.File("a.jsonl"), Path.Combine(data, "train.jsonl"), "missing.jsonl"], mixed.DataFiles);
    }
}
