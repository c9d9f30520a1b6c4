using T5Sharp.Hub;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Hub;

/// <summary>Each way a push is refused gives one message that says what to do, and the repo is left as it was.</summary>
public sealed class HubPushErrorTests : IDisposable
{
    readonly HubFixture hub = new();
    readonly TempDir folder = new();

    public HubPushErrorTests()
    {
        hub.Server.AcceptedToken = HubFixture.Token;
        hub.Server.ReadOnlyToken = "hf_read_only";
        File.WriteAllText(folder.File("config.json"), "{\"d_model\": 8}\n");
        File.WriteAllBytes(folder.File("big.bin"), Enumerable.Range(0, 20000).Select(i => (byte)(i * 7)).ToArray());
    }

    public void Dispose()
    {
        hub.Dispose();
        folder.Dispose();
    }

    HubException Refused(string repo, string? token = HubFixture.Token, Action<HubUploadProgress>? progress = null)
    {
        var uploader = new HubUploader(hub.Options(token: token) with { RetryDelay = TimeSpan.FromMilliseconds(5), UploadRetries = 2 });
        var request = new HubPushRequest(HubRepoId.Parse(repo, HubRepoType.Model), UploadFileSelection.FromFolder(folder.Path));
        return Assert.Throws<HubException>(() => uploader.PushAsync(request, progress).GetAwaiter().GetResult());
    }

    [Fact]
    public void NoTokenAndABadTokenAre401s()
    {
        var none = Refused("t5sharp/new-model", token: null);
        Assert.Equal(401, none.StatusCode);
        Assert.Equal("Pushing to model repository 't5sharp/new-model' needs a token with write access, and none was found (HTTP 401 for creating the " +
                     "repository: Invalid username or password.): set HF_TOKEN, or log in with `huggingface-cli login` (T5Sharp reads its token file, $HF_HOME/token).",
            none.Message);
        var bad = Refused("t5sharp/new-model", token: "hf_wrong");
        Assert.Equal("The Hub did not accept the token for model repository 't5sharp/new-model' (HTTP 401 for creating the repository: Invalid credentials " +
                     "in Authorization header): it is invalid or expired; set HF_TOKEN to a valid token with write access.", bad.Message);
        Assert.False(hub.Server.Repos.ContainsKey("models/t5sharp/new-model"));
    }

    [Fact]
    public void AReadOnlyTokenOrAnotherNamespaceIs403()
    {
        var readOnly = Refused("t5sharp/new-model", token: "hf_read_only");
        Assert.Equal(403, readOnly.StatusCode);
        Assert.Equal("The token has no write access to model repository 't5sharp/new-model' (HTTP 403 for creating the repository: You don't have the " +
                     "rights to write to this repository: your token is read-only.): use a token with the 'write' role for a namespace you may write to.",
            readOnly.Message);
        var other = Refused("google/flan-t5-small");
        Assert.Equal(403, other.StatusCode);
        Assert.Contains("You don't have the rights to write under the namespace 'google'.", other.Message);
        Assert.Empty(hub.Server.Commits);
    }

    [Fact]
    public void AMissingRevisionIs404BeforeAnyByteIsSent()
    {
        var e = Refused("t5sharp/new-model@no-such-branch");
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("Revision 'no-such-branch' does not exist in model repository 't5sharp/new-model' (HTTP 404 for reading the branch head: " +
                     "RevisionNotFound): push to an existing branch, or create it first.", e.Message);
        Assert.Equal(0, hub.Server.Count("PUT "));
        Assert.Empty(hub.Server.Commits);
    }

    [Fact]
    public void ABranchThatMovedDuringThePushIs412AndA409IsAConflictToo()
    {
        bool moved = false;
        var e = Refused("t5sharp/racing", progress: p =>
        {
            if (p.Stage != HubUploadStage.Committing || moved) return;
            moved = true;    // another writer commits while this push is uploading
            var repo = hub.Server.Repos["models/t5sharp/racing"];
            string other = HubFixture.Commit("other writer");
            repo.Commits[other] = new Dictionary<string, byte[]> { ["README.md"] = "# theirs\n"u8.ToArray() };
            repo.Refs["main"] = other;
        });
        Assert.Equal(412, e.StatusCode);
        Assert.Equal("The Hub refused the change to model repository 't5sharp/racing' at 'main' because it conflicts with another one (HTTP 412 for " +
                     "the commit call: A commit has happened since. Please refresh and try again.): the branch moved while this push ran (another push " +
                     "or commit); nothing was committed, push again.", e.Message);
        Assert.Equal(HubFixture.Commit("other writer"), hub.Server.Repos["models/t5sharp/racing"].Refs["main"]);

        hub.Server.FailNext("POST /api/models/t5sharp/racing/commit/", 409);
        Assert.Equal(409, Refused("t5sharp/racing").StatusCode);
        Assert.Empty(hub.Server.Commits);
    }

    [Fact]
    public void AFileTooLargeIsNamedAndNothingIsCommitted()
    {
        hub.Server.MaxFileSize = 10000;
        var e = Refused("t5sharp/too-large");
        Assert.Equal(422, e.StatusCode);
        Assert.Equal("The Hub refused to store 'big.bin' (20,000 bytes) through LFS in model repository 't5sharp/too-large': Your file is larger than " +
                     "the 10000 bytes this Hub accepts. (code 422); nothing was committed.", e.Message);
        Assert.Equal(0, hub.Server.Count("PUT "));

        hub.Server.MaxFileSize = 1 << 20;
        hub.Server.FailNext("POST /api/models/t5sharp/too-large/commit/", 413);
        var payload = Refused("t5sharp/too-large");
        Assert.Equal("The upload to model repository 't5sharp/too-large' is too large for the Hub (HTTP 413 for the commit call: injected 413); " +
                     "nothing was committed.", payload.Message);
        Assert.Empty(hub.Server.Commits);
        Assert.Equal([".gitattributes"], hub.Server.Repos["models/t5sharp/too-large"].Commits.Values.Single().Keys);
    }

    [Fact]
    public void ServerErrorsThatOutlastTheRetriesAreReported()
    {
        for (int i = 0; i < 3; i++) hub.Server.FailNext("POST /api/models/t5sharp/down/preupload/", 503);
        var e = Refused("t5sharp/down");
        Assert.Equal(503, e.StatusCode);
        Assert.Equal("The Hub answered 503 Service Unavailable to the preupload call for model repository 't5sharp/down' at 'main': injected 503.", e.Message);
        Assert.Equal(3, hub.Server.Count("POST /api/models/t5sharp/down/preupload/"));
    }
}
