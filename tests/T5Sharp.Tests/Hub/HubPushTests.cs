using T5Sharp.Hub;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Hub;

/// <summary>
/// Pushes against the fake Hub speaking huggingface_hub's upload protocol, read back through the download path:
/// inline vs LFS per the preupload answer, multipart, retries, a resumed multipart, unchanged files, pull requests.
/// </summary>
public sealed class HubPushTests : IDisposable
{
    readonly HubFixture hub = new();
    readonly TempDir folder = new();

    public HubPushTests() => hub.Server.AcceptedToken = HubFixture.Token;

    public void Dispose()
    {
        hub.Dispose();
        folder.Dispose();
    }

    HubUploader Uploader(string? token = HubFixture.Token) =>
        new(hub.Options(token: token) with { RetryDelay = TimeSpan.FromMilliseconds(5), UploadRetries = 3 });

    HubPushResult Push(string repo, bool createPr = false, Action<HubUploadProgress>? progress = null) =>
        Uploader().PushAsync(new HubPushRequest(HubRepoId.Parse(repo, HubRepoType.Model), UploadFileSelection.FromFolder(folder.Path))
        {
            CommitMessage = "push test", CreatePr = createPr,
        }, progress).GetAwaiter().GetResult();

    /// <summary>a.json 100 B and empty.txt inline; notes.txt 5,000 B (≥ 4 KiB) and w.bin (LFS extension) basic LFS; big.bin 20,000 B multipart (3 × 8 KiB).</summary>
    Dictionary<string, byte[]> WriteSmallFolder()
    {
        var rng = new Random(7);
        byte[] Bytes(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
        var files = new Dictionary<string, byte[]>
        {
            ["a.json"] = "{\"a\": 1}\n"u8.ToArray().Concat(new byte[91]).ToArray(), ["empty.txt"] = [], ["notes.txt"] = Bytes(5000),
            ["sub/w.bin"] = Bytes(300), ["big.bin"] = Bytes(20000),
        };
        foreach (var (name, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder.File(name))!);
            File.WriteAllBytes(folder.File(name), bytes);
        }
        return files;
    }

    [Fact]
    public async Task PushedModelFolderComesBackThroughTheDownloadPathAndLoadsBitIdentically()
    {
        hub.Server.MultipartThreshold = hub.Server.ChunkSize = 4 << 20;
        hub.Server.MaxFileSize = 64 << 20;
        string source = Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");
        foreach (string f in HubFixture.ModelFolderFiles) File.Copy(Path.Combine(source, f), folder.File(f));

        var result = Push("t5sharp/pushed-flan");

        Assert.Equal("t5sharp/pushed-flan", result.Repo.Id);
        Assert.Equal(["file added_tokens.json", "file config.json", "file generation_config.json", "file special_tokens_map.json",
                      "lfsFile model.safetensors", "lfsFile spiece.model", "lfsFile tokenizer_config.json"],
            hub.Server.Commits.Single().Order(StringComparer.Ordinal));
        string weightsOid = FakeHubServer.Sha256(File.ReadAllBytes(folder.File("model.safetensors")));
        Assert.Equal(5, hub.Server.Count($"PUT /s3/{weightsOid}/"));      // 17.2 MB in 4 MiB parts
        Assert.Equal(1, hub.Server.Count($"POST /lfs-complete/{weightsOid}"));
        Assert.Equal(new FileInfo(folder.File("model.safetensors")).Length + new FileInfo(folder.File("spiece.model")).Length
                     + new FileInfo(folder.File("tokenizer_config.json")).Length, result.LfsBytesSent);

        string downloaded = await hub.Resolver().DownloadModelAsync(new HubRepoId("t5sharp/pushed-flan", HubRepoType.Model));
        Assert.Equal(result.CommitOid, Path.GetFileName(downloaded));
        foreach (string f in HubFixture.ModelFolderFiles)
            Assert.True(File.ReadAllBytes(Path.Combine(source, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(downloaded, f))), f);
        using var original = PretrainedT5.Load(source);
        using var pulled = PretrainedT5.Load(downloaded);
        var a = original.Model.state_dict();
        var b = pulled.Model.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, tensor) in a) Assert.True(tensor.bytes.SequenceEqual(b[name].bytes), name);
    }

    [Fact]
    public async Task SmallFilesGoInlineLargeOnesThroughLfsAndAnUnchangedFolderSendsNothing()
    {
        var files = WriteSmallFolder();
        var progress = new List<HubUploadProgress>();
        var first = Push("t5sharp/small", progress: progress.Add);

        Assert.Equal(["file a.json", "file empty.txt", "lfsFile big.bin", "lfsFile notes.txt", "lfsFile sub/w.bin"],
            hub.Server.Commits.Single().Order(StringComparer.Ordinal));
        Assert.Equal((2, 3, 25300L, 0), (first.InlineFiles, first.LfsFiles, first.LfsBytesSent, first.UnchangedFiles));
        Assert.Equal(3, hub.Server.Count("PUT /s3/" + FakeHubServer.Sha256(files["big.bin"]) + "/"));
        Assert.Equal(25300L, progress.Last(p => p.Stage == HubUploadStage.Uploading).BytesDone);
        Assert.Equal(25300L, progress.Last(p => p.Stage == HubUploadStage.Uploading).TotalBytes);
        var client = hub.Client(token: HubFixture.Token);
        var repo = new HubRepoId("t5sharp/small", HubRepoType.Model);
        foreach (var (name, bytes) in files) Assert.Equal(bytes, File.ReadAllBytes(await client.DownloadFileAsync(repo, name)));

        int requests = hub.Server.Log.Count;
        var second = Push("t5sharp/small");
        Assert.True(second.NothingChanged);
        Assert.Equal((5, first.CommitOid), (second.UnchangedFiles, second.CommitOid));
        var secondLog = hub.Server.Log.Skip(requests).ToList();
        Assert.DoesNotContain(secondLog, l => l.StartsWith("PUT ") || l.Contains("/commit/") || l.Contains("/lfs/objects/batch"));
        Assert.Single(hub.Server.Commits);

        File.WriteAllText(folder.File("a.json"), "{\"a\": 2}\n");
        var third = Push("t5sharp/small");
        Assert.Equal((1, 0, 4), (third.InlineFiles, third.LfsFiles, third.UnchangedFiles));
        Assert.Equal(["file a.json"], hub.Server.Commits.Last());
    }

    [Fact]
    public void InjectedServerErrorsAreRetriedAndAFailedPartResumesAtThatPart()
    {
        var files = WriteSmallFolder();
        string big = FakeHubServer.Sha256(files["big.bin"]);
        hub.Server.FailNext("POST /api/models/t5sharp/flaky/preupload/", 500);
        hub.Server.FailNext("PUT /s3/" + FakeHubServer.Sha256(files["notes.txt"]), 503);
        hub.Server.FailNext($"PUT /s3/{big}/2", 0);    // the connection drops during part 2

        var result = Push("t5sharp/flaky");

        Assert.Equal(5, result.InlineFiles + result.LfsFiles);
        Assert.Equal(2, hub.Server.Count("POST /api/models/t5sharp/flaky/preupload/"));
        Assert.Equal(2, hub.Server.Count("PUT /s3/" + FakeHubServer.Sha256(files["notes.txt"])));
        Assert.Equal((1, 2, 1), (hub.Server.Count($"PUT /s3/{big}/1"), hub.Server.Count($"PUT /s3/{big}/2"), hub.Server.Count($"PUT /s3/{big}/3")));
        Assert.Equal(files["big.bin"], hub.Server.LfsObjects[big]);
        Assert.Equal(25300L, result.LfsBytesSent);
    }

    [Fact]
    public async Task CreatePrCommitsToRefsPrAndLeavesMainAlone()
    {
        WriteSmallFolder();
        var first = Push("t5sharp/reviewed");
        File.WriteAllText(folder.File("a.json"), "{\"proposal\": true}\n");

        var pr = Push("t5sharp/reviewed", createPr: true);

        Assert.Equal($"{hub.Server.Endpoint}t5sharp/reviewed/discussions/1", pr.PullRequestUrl);
        var repo = hub.Server.Repos["models/t5sharp/reviewed"];
        Assert.Equal(first.CommitOid, repo.Refs["main"]);
        Assert.Equal(pr.CommitOid, repo.Refs["refs/pr/1"]);
        var client = hub.Client(token: HubFixture.Token);
        var atPr = new HubRepoId("t5sharp/reviewed", HubRepoType.Model, "refs/pr/1");
        Assert.Equal("{\"proposal\": true}\n", File.ReadAllText(await client.DownloadFileAsync(atPr, "a.json")));
    }

    [Fact]
    public void IncludeAndExcludeFollowFnmatchAndAPushNeedsAtLeastOneFile()
    {
        WriteSmallFolder();
        Directory.CreateDirectory(folder.File(".git"));
        File.WriteAllText(folder.File(".git/HEAD"), "ref: refs/heads/main\n");
        Assert.Equal(["a.json", "big.bin", "empty.txt", "notes.txt", "sub/w.bin"], UploadFileSelection.FromFolder(folder.Path).Select(f => f.PathInRepo));
        Assert.Equal(["big.bin", "sub/w.bin"], UploadFileSelection.FromFolder(folder.Path, include: ["*.bin"]).Select(f => f.PathInRepo));
        Assert.Equal(["a.json", "big.bin", "empty.txt", "notes.txt"], UploadFileSelection.FromFolder(folder.Path, exclude: ["sub/"]).Select(f => f.PathInRepo));
        Assert.Equal(["run/a.json"], UploadFileSelection.FromFolder(folder.Path, include: ["[ab].json"], pathInRepo: "run").Select(f => f.PathInRepo));

        var e = Assert.Throws<HubException>(() => Uploader().PushAsync(new HubPushRequest(new HubRepoId("t5sharp/none", HubRepoType.Model),
            UploadFileSelection.FromFolder(folder.Path, include: ["*.onnx"]))).GetAwaiter().GetResult());
        Assert.Equal("Nothing to push to t5sharp/none: no files were selected (check the folder and the --include/--exclude patterns).", e.Message);
    }
}
