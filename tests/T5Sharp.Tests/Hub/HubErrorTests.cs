using T5Sharp.Hub;

namespace T5Sharp.Tests.Hub;

/// <summary>What a user sees when a name, a file, a revision or a token is wrong: one message that says what to do.</summary>
public sealed class HubErrorTests : IDisposable
{
    readonly HubFixture hub = new();
    public void Dispose() => hub.Dispose();

    [Fact]
    public void PrivateRepoWithoutTokenSays401AndAsksForHfToken()
    {
        var e = Assert.Throws<HubException>(() => hub.Resolver().ResolveModel("t5sharp/private-flan"));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("'t5sharp/private-flan' is no local file or folder, so it was taken as a Hub name: Model repository 't5sharp/private-flan' " +
                     $"was not found, or it is private or gated (HTTP 401 for {hub.Server.Endpoint}api/models/t5sharp/private-flan); " +
                     "no token was sent: set HF_TOKEN to a token that can read it.", e.Message);
    }

    [Fact]
    public void TokenReachesTheHubButNeverTheCdn()
    {
        hub.Server.AcceptedToken = HubFixture.Token;
        string folder = hub.Resolver(token: HubFixture.Token).ResolveModel("t5sharp/private-flan");
        Assert.Equal(hub.ModelFiles["model.safetensors"], File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.All(hub.Server.Log.Where(l => !l.StartsWith("GET /cdn/", StringComparison.Ordinal)),
            l => Assert.EndsWith($" Auth: Bearer {HubFixture.Token}", l));
        Assert.All(hub.Server.Log.Where(l => l.StartsWith("GET /cdn/", StringComparison.Ordinal)), l => Assert.DoesNotContain("Auth:", l));
    }

    [Fact]
    public void GatedRepoSays403WithAWrongTokenAndWhereToAccept()
    {
        hub.Server.AcceptedToken = HubFixture.Token;
        var e = Assert.Throws<HubException>(() => hub.Resolver(token: "hf_wrong").ResolveModel("t5sharp/gated-flan"));
        Assert.Equal(403, e.StatusCode);
        Assert.Equal($"Access to gated model repository 't5sharp/gated-flan' is restricted (HTTP 403 for {hub.Server.Endpoint}api/models/t5sharp/gated-flan): " +
                     $"accept its conditions at {hub.Server.Endpoint}t5sharp/gated-flan with your account and set HF_TOKEN to that account's token " +
                     "(the token sent is not allowed yet).", e.Message);
    }

    [Fact]
    public async Task MissingFileSays404AndLeavesHuggingfaceHubsNoExistMarker()
    {
        var repo = new HubRepoId(HubFixture.ModelId, HubRepoType.Model);
        var client = hub.Client();
        var e = await Assert.ThrowsAsync<HubException>(() => client.DownloadFileAsync(repo, "tokenizer.json"));
        Assert.Equal(404, e.StatusCode);
        Assert.Equal($"File 'tokenizer.json' does not exist in model repository '{HubFixture.ModelId}' at revision 'main' " +
                     $"(HTTP 404 for {hub.Server.Endpoint}t5sharp/tiny-flan-32k/resolve/main/tokenizer.json).", e.Message);
        string marker = Path.Combine(hub.CacheDir, "models--t5sharp--tiny-flan-32k", ".no_exist", HubFixture.MainCommit, "tokenizer.json");
        Assert.True(File.Exists(marker));
        Assert.Equal(0, new FileInfo(marker).Length);
        Assert.Null(await client.TryDownloadFileAsync(repo, "tokenizer.json"));
    }

    [Fact]
    public void UnknownRevisionAndUnknownRepoAre404s()
    {
        var revision = Assert.Throws<HubException>(() => hub.Resolver().ResolveModel(HubFixture.ModelId + "@v9"));
        Assert.Equal($"'{HubFixture.ModelId}@v9' is no local file or folder, so it was taken as a Hub name: Revision 'v9' does not exist in model repository " +
                     $"'{HubFixture.ModelId}' (HTTP 404 for {hub.Server.Endpoint}api/models/t5sharp/tiny-flan-32k/revision/v9).", revision.Message);

        var repo = Assert.Throws<HubException>(() => hub.Resolver(token: HubFixture.Token).ResolveModel("t5sharp/no-such-model"));
        Assert.Equal(404, repo.StatusCode);
        Assert.Equal("'t5sharp/no-such-model' is no local file or folder, so it was taken as a Hub name: Model repository 't5sharp/no-such-model' " +
                     $"does not exist on {hub.Server.Endpoint} (HTTP 404 for {hub.Server.Endpoint}api/models/t5sharp/no-such-model); " +
                     "check the name (datasets need a dataset name, models a model name).", repo.Message);
    }

    [Fact]
    public void TextThatIsNeitherAPathNorAHubNameIsRejectedWithoutANetworkCall()
    {
        var e = Assert.Throws<HubException>(() => hub.Resolver().ResolveModel("./no/such/folder"));
        Assert.Equal("'./no/such/folder' is not an existing local path, nor a Hub name of the form owner/name[@revision].", e.Message);
        Assert.Empty(hub.Server.Log);
    }
}
