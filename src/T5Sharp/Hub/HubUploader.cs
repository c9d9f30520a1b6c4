using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T5Sharp.Hub;

/// <summary>
/// Pushes files to a Hub repository with huggingface_hub's upload protocol: create the repo (existing is fine), read the
/// branch's head, ask the preupload endpoint which files go through LFS and which the repo already has (same oid: git blob
/// sha1 for regular files, sha256 for LFS ones), send the missing LFS objects (<see cref="LfsTransfer"/>), then make ONE
/// commit naming the branch head as its parent. The commit is the only call that changes the repo, so a push that fails
/// before it leaves the repo as it was, and a concurrent change makes it fail (412) instead of being overwritten.
/// </summary>
public sealed class HubUploader(HubOptions options)
{
    const int PreuploadBatch = 256;

    public HubOptions Options { get; } = options;

    public static HubUploader FromEnvironment() => new(HubOptions.FromEnvironment());

    public async Task<HubPushResult> PushAsync(HubPushRequest request, Action<HubUploadProgress>? progress = null, CancellationToken ct = default)
    {
        if (Options.Offline) throw new HubException($"HF_HUB_OFFLINE is set, so nothing can be pushed to {request.Repo}.");
        if (request.Files.Count == 0 && request.Deletions.Count == 0)
            throw new HubException($"Nothing to push to {request.Repo}: no files were selected (check the folder and the --include/--exclude patterns).");
        var repo = await CreateRepoAsync(request.Repo, request.Private, ct).ConfigureAwait(false);
        string head = await HeadCommitAsync(repo, ct).ConfigureAwait(false);

        long totalBytes = request.Files.Sum(f => f.Size), hashed = 0;
        foreach (var f in request.Files)
            f.EnsureHashes(n => progress?.Invoke(new HubUploadProgress(HubUploadStage.Hashing, f.PathInRepo, hashed += n, totalBytes)));

        var modes = await PreuploadAsync(repo, request.Files, request.CreatePr, ct).ConfigureAwait(false);
        var inline = new List<HubUploadFile>();
        var lfs = new List<HubUploadFile>();
        int unchanged = 0;
        foreach (var f in request.Files)
        {
            var (isLfs, remoteOid) = modes[f.PathInRepo];
            isLfs &= f.Size > 0;   // the storage cannot take empty objects: huggingface_hub commits them inline
            if (remoteOid != null && remoteOid == (isLfs ? f.Sha256 : f.GitSha1)) unchanged++;
            else (isLfs ? lfs : inline).Add(f);
        }
        if (inline.Count + lfs.Count + request.Deletions.Count == 0)
            return new HubPushResult(repo, head, null, null, 0, 0, 0, unchanged);

        long sent = await new LfsTransfer(Options, repo).UploadAsync(lfs, progress, ct).ConfigureAwait(false);
        progress?.Invoke(new HubUploadProgress(HubUploadStage.Committing, "", 0, inline.Sum(f => f.Size)));
        var (oid, url, pr) = await CommitAsync(repo, request, head, inline, lfs, ct).ConfigureAwait(false);
        return new HubPushResult(repo, oid, url, pr, inline.Count, lfs.Count, sent, unchanged, request.Deletions.Count);
    }

    /// <summary>
    /// <c>POST /api/repos/create</c>; 409 (it exists) is fine. A name without a namespace is created under the token's
    /// user, and the repo id is taken from the URL the Hub answers with.
    /// </summary>
    public async Task<HubRepoId> CreateRepoAsync(HubRepoId repo, bool isPrivate, CancellationToken ct = default)
    {
        string[] parts = repo.Id.Split('/');
        var body = new JsonObject
        {
            ["name"] = parts[^1], ["organization"] = parts.Length == 2 ? parts[0] : null, ["private"] = isPrivate,
        };
        if (repo.Type != HubRepoType.Model) body["type"] = "dataset";
        var url = OnEndpoint("api/repos/create");
        using var response = await SendJsonAsync(url, body.ToJsonString(), ct).ConfigureAwait(false);
        if ((int)response.StatusCode == 409) return parts.Length == 2 ? repo : await IdFromAnswer(response, repo, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await HubWriteErrors.FromAsync(response, Options, repo, "creating the repository", ct).ConfigureAwait(false);
        return await IdFromAnswer(response, repo, ct).ConfigureAwait(false);
    }

    async Task<HubRepoId> IdFromAnswer(HttpResponseMessage response, HubRepoId repo, CancellationToken ct)
    {
        if (repo.Id.Contains('/')) return repo;
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var url = new Uri(doc.RootElement.GetProperty("url").GetString()!);
            string id = string.Join('/', url.AbsolutePath.Trim('/').Split('/').TakeLast(2));
            return new HubRepoId(id, repo.Type, repo.Revision);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException)
        {
            throw new HubException($"The Hub created '{repo.Id}' but did not say under which namespace (expected a JSON 'url'); push to 'owner/{repo.Id}'.", e);
        }
    }

    async Task<string> HeadCommitAsync(HubRepoId repo, CancellationToken ct)
    {
        string path = $"api/{repo.TypePlural}/{repo.Id}/revision/{Uri.EscapeDataString(repo.Revision)}";
        var url = OnEndpoint(path);
        using var response = await HubRetry.SendAsync(Options, () => new HttpRequestMessage(HttpMethod.Get, url), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await HubWriteErrors.FromAsync(response, Options, repo, "reading the branch head", ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            string sha = doc.RootElement.GetProperty("sha").GetString() ?? "";
            return HubRepoId.IsCommit(sha) ? sha : throw new JsonException($"'sha' is '{sha}', not a 40-digit commit hash");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubException($"{url} did not answer with the Hub's repo info ('sha'): {e.Message}", e);
        }
    }

    /// <summary>Per path: whether the Hub wants it through LFS, and the oid of the file it already has there (null if none).</summary>
    async Task<Dictionary<string, (bool Lfs, string? RemoteOid)>> PreuploadAsync(HubRepoId repo, IReadOnlyList<HubUploadFile> files, bool createPr,
        CancellationToken ct)
    {
        var modes = new Dictionary<string, (bool, string?)>(StringComparer.Ordinal);
        var url = OnEndpoint($"api/{repo.TypePlural}/{repo.Id}/preupload/{Uri.EscapeDataString(repo.Revision)}" + (createPr ? "?create_pr=1" : ""));
        for (int i = 0; i < files.Count; i += PreuploadBatch)
        {
            var list = new JsonArray();
            foreach (var f in files.Skip(i).Take(PreuploadBatch))
                list.Add(new JsonObject { ["path"] = f.PathInRepo, ["sample"] = Convert.ToBase64String(f.Sample), ["size"] = f.Size });
            using var response = await SendJsonAsync(url, new JsonObject { ["files"] = list }.ToJsonString(), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await HubWriteErrors.FromAsync(response, Options, repo, "the preupload call", ct).ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
                foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
                {
                    string mode = f.GetProperty("uploadMode").GetString()!;
                    if (mode is not ("lfs" or "regular")) throw new JsonException($"uploadMode '{mode}' is neither 'lfs' nor 'regular'");
                    string? oid = f.TryGetProperty("oid", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                    modes[f.GetProperty("path").GetString()!] = (mode == "lfs", oid);
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new HubException($"{url} did not answer with the Hub's preupload JSON ('files' with 'path', 'uploadMode'): {e.Message}", e);
            }
        }
        var missing = files.FirstOrDefault(f => !modes.ContainsKey(f.PathInRepo));
        if (missing != null) throw new HubException($"The preupload answer from {url} says nothing about '{missing.PathInRepo}'.");
        return modes;
    }

    async Task<(string Oid, string? Url, string? PullRequest)> CommitAsync(HubRepoId repo, HubPushRequest request, string head,
        List<HubUploadFile> inline, List<HubUploadFile> lfs, CancellationToken ct)
    {
        byte[] payload = CommitPayload.Build(request.CommitMessage, request.CommitDescription, head, inline, lfs, request.Deletions);
        var url = OnEndpoint($"api/{repo.TypePlural}/{repo.Id}/commit/{Uri.EscapeDataString(repo.Revision)}" + (request.CreatePr ? "?create_pr=1" : ""));
        // Sent once, as huggingface_hub does by default: a commit whose answer was lost would be made twice by a retry.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Options.UploadTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(payload) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await HubHttp.SendBuiltAsync(Options, message, limit.Token, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await HubWriteErrors.FromAsync(response, Options, repo, "the commit call", ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var root = doc.RootElement;
            string? Optional(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (root.GetProperty("commitOid").GetString()!, Optional("commitUrl"), Optional("pullRequestUrl"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubException($"The commit to {repo} was sent but {url} answered without 'commitOid': {e.Message}", e);
        }
    }

    Task<HttpResponseMessage> SendJsonAsync(Uri url, string json, CancellationToken ct) =>
        HubRetry.SendAsync(Options, () => new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        }, ct);

    Uri OnEndpoint(string relative) => new(Options.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + relative);
}
