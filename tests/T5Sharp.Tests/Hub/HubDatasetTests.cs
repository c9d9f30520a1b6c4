using T5Sharp.Data.Readers;
using T5Sharp.Hub;
using System.Text.Json;

namespace T5Sharp.Tests.Hub;

/// <summary>Datasets by name: plain data files by split, and the Parquet conversion of a repo that has none.</summary>
public sealed class HubDatasetTests : IDisposable
{
    readonly HubFixture hub = new();
    public void Dispose() => hub.Dispose();

    [Fact]
    public void SplitFileIsDownloadedAloneAndReadsAsTheSourceRecords()
    {
        string file = hub.Resolver().ResolveDataFile(HubFixture.DatasetId, "dev");
        Assert.Equal(Path.Combine(hub.CacheDir, "datasets--t5sharp--tiny-dialogsum", "snapshots", HubFixture.DataCommit, "data", "validation.jsonl"), file);
        Assert.Equal("../../../blobs/", new FileInfo(file).LinkTarget![..15]);
        var records = RecordReader.Read(file).ToList();
        var expected = hub.DatasetLines["validation"].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(expected.Select(e => e.GetProperty("summary").GetString()), records.Select(r => r.Get("summary")));
        Assert.Equal(expected.Select(e => e.GetProperty("dialogue").GetString()), records.Select(r => r.Get("dialogue")));
        Assert.Equal(["GET /api/datasets/t5sharp/tiny-dialogsum", $"HEAD /datasets/t5sharp/tiny-dialogsum/resolve/{HubFixture.DataCommit}/data/validation.jsonl",
            $"GET /datasets/t5sharp/tiny-dialogsum/resolve/{HubFixture.DataCommit}/data/validation.jsonl"], hub.Server.Log.ToArray());

        // Offline, the cached split answers; a split never downloaded is named as missing.
        Assert.Equal(file, hub.Resolver(offline: true).ResolveDataFile(HubFixture.DatasetId, "validation"));
        var e = Assert.Throws<HubException>(() => hub.Resolver(offline: true).ResolveDataFile(HubFixture.DatasetId, "test"));
        Assert.StartsWith($"Dataset {HubFixture.DatasetId} (split 'test') is not in the cache and HF_HUB_OFFLINE is set", e.Message);
    }

    [Fact]
    public async Task RepoWithoutDataFilesIsReadFromItsParquetConversion()
    {
        var dataset = await hub.Resolver().DownloadDatasetAsync(new HubRepoId(HubFixture.ScriptDatasetId, HubRepoType.Dataset));
        string repoDir = Path.Combine(hub.CacheDir, "datasets--t5sharp--scripted-dialogsum");
        Assert.Equal("default", dataset.Config);
        Assert.Equal(["test", "train"], dataset.Splits.Keys.Order());
        Assert.Equal(Path.Combine(repoDir, "snapshots", HubFixture.ParquetCommit, "default", "test", "0000.parquet"), dataset.FileFor("test"));
        // huggingface_hub keeps the ref name as a path: refs/refs/convert/parquet.
        Assert.Equal(HubFixture.ParquetCommit, File.ReadAllText(Path.Combine(repoDir, "refs", "refs", "convert", "parquet")));
        Assert.Contains("GET /api/datasets/t5sharp/scripted-dialogsum/revision/refs%2Fconvert%2Fparquet", hub.Server.Log);
        var records = RecordReader.Read(dataset.FileFor("test")).ToList();
        var expected = hub.DatasetLines["test"].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(expected.Select(e => e.GetProperty("summary1").GetString()), records.Select(r => r.Get("summary")));
        Assert.Equal(expected.Select(e => e.GetProperty("fname").GetString()), records.Select(r => r.Get("fname")));

        var missing = Assert.Throws<HubException>(() => dataset.FileFor("validation"));
        Assert.Equal($"Dataset {HubFixture.ScriptDatasetId} has no 'validation' split; it has: test, train.", missing.Message);
        Assert.Equal(dataset.FileFor("train"), hub.Resolver(offline: true).ResolveDataFile(HubFixture.ScriptDatasetId, "train"));
    }

    [Fact]
    public void AnExistingLocalPathWins()
    {
        // A local file named like a Hub repo is still the local file.
        string local = Path.Combine(hub.Dir.Path, "t5sharp", "tiny-dialogsum");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        File.WriteAllText(local, "{\"a\": 1}\n");
        Assert.Equal(local, hub.Resolver().ResolveDataFile(local));
        Assert.Equal(hub.Dir.Path, hub.Resolver().ResolveModel(hub.Dir.Path));
        Assert.Empty(hub.Server.Log);
    }
}
