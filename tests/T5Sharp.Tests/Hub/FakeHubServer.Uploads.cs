using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T5Sharp.Tests.Hub;

/// <summary>
/// The upload half of the fake Hub, as the real one answers huggingface_hub: <c>POST /api/repos/create</c> (409 when it
/// exists; a new repo starts with a .gitattributes commit), <c>/api/{type}s/{repo}/preupload/{rev}</c> (LFS by extension or
/// size ≥ <see cref="LfsThreshold"/>, with the oid of the file already there), the Git LFS batch API (no actions for an
/// object it has, basic PUT + verify, multipart above <see cref="MultipartThreshold"/> with part URLs on another host and a
/// completion call, an error object above <see cref="MaxFileSize"/>), and the NDJSON commit (412 when parentCommit is not
/// the head, refs/pr/N with create_pr=1). Writes need <see cref="AcceptedToken"/> and a repo under <see cref="UserName"/>.
/// </summary>
public sealed partial class FakeHubServer
{
    readonly ConcurrentDictionary<(string Oid, int Part), byte[]> partBytes = new();
    readonly List<(string Prefix, int Status)> faults = new();
    int commitCounter;

    /// <summary>The namespace the accepted token may write to (a name without namespace is created there).</summary>
    public string UserName { get; set; } = "t5sharp";
    /// <summary>A token that may read but not write (403 on writes).</summary>
    public string? ReadOnlyToken { get; set; }
    public long LfsThreshold { get; set; } = 4096;
    public long MultipartThreshold { get; set; } = 16384;
    public long ChunkSize { get; set; } = 8192;
    public long MaxFileSize { get; set; } = 1 << 20;
    /// <summary>Slow every preupload answer by this much (a push that is still running when the next save comes).</summary>
    public TimeSpan PreuploadDelay { get; set; }
    /// <summary>Every commit made: its key/path lines ("file config.json", "lfsFile model.safetensors", ...).</summary>
    public ConcurrentQueue<List<string>> Commits { get; } = new();
    public IReadOnlyDictionary<string, byte[]> LfsObjects => lfsBlobs;

    /// <summary>The next request whose "METHOD /path" starts with <paramref name="prefix"/> gets <paramref name="status"/> (0: the connection drops).</summary>
    public void FailNext(string prefix, int status)
    {
        lock (faults) faults.Add((prefix, status));
    }

    async Task<bool> InjectFaultAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        string line = $"{request.HttpMethod} {request.Url!.AbsolutePath}";
        int status;
        lock (faults)
        {
            int i = faults.FindIndex(f => line.StartsWith(f.Prefix, StringComparison.Ordinal));
            if (i < 0) return false;
            status = faults[i].Status;
            faults.RemoveAt(i);
        }
        await ReadBodyAsync(request);
        if (status == 0)
        {
            // The answer breaks off after its headers and a few body bytes, as a dropped connection does.
            response.ContentLength64 = 100;
            await response.OutputStream.WriteAsync(new byte[10]);
            await response.OutputStream.FlushAsync();
            response.Abort();
        }
        else Error(response, status, "Injected", $"injected {status}");
        return true;
    }

    async Task<bool> UploadRouteAsync(HttpListenerRequest request, HttpListenerResponse response, string[] parts, string? auth)
    {
        string method = request.HttpMethod;
        if (method == "PUT" && parts[0] == "s3") { await StorePutAsync(request, response, parts); return true; }
        if (method == "POST" && parts[0] == "lfs-complete") { await CompleteAsync(request, response, parts[1]); return true; }
        if (method == "POST" && parts is ["api", "repos", "create"]) { await CreateRepoAsync(request, response, auth); return true; }
        if (method == "POST" && parts.Length >= 6 && parts[0] == "api" && parts[4] is "preupload" or "commit")
        {
            string key = $"{parts[1]}/{parts[2]}/{parts[3]}";
            string revision = Uri.UnescapeDataString(string.Join('/', parts[5..]));
            bool createPr = request.QueryString["create_pr"] == "1";
            if (parts[4] == "preupload") await PreuploadAsync(request, response, key, revision, auth);
            else await CommitAsync(request, response, key, revision, createPr, auth);
            return true;
        }
        int git = Array.FindIndex(parts, p => p.EndsWith(".git", StringComparison.Ordinal));
        if (method == "POST" && git > 0 && parts.Length == git + 5 && parts[git + 1] == "info" && parts[git + 2] == "lfs")
        {
            bool dataset = parts[0] == "datasets";
            string id = string.Join('/', parts[(dataset ? 1 : 0)..(git + 1)])[..^4];
            string key = (dataset ? "datasets/" : "models/") + id;
            if (parts[git + 4] == "batch") await BatchAsync(request, response, key, auth);
            else { await ReadBodyAsync(request); Json(response, 200, new { ok = true }); }   // verify
            return true;
        }
        return false;
    }

    bool CanWrite(HttpListenerResponse response, string? auth, string owner)
    {
        if (auth == null) { Error(response, 401, "Unauthorized", "Invalid username or password."); return false; }
        if (ReadOnlyToken != null && auth == $"Bearer {ReadOnlyToken}")
        { Error(response, 403, "Forbidden", "You don't have the rights to write to this repository: your token is read-only."); return false; }
        if (AcceptedToken == null || auth != $"Bearer {AcceptedToken}") { Error(response, 401, "Unauthorized", "Invalid credentials in Authorization header"); return false; }
        if (owner != UserName) { Error(response, 403, "Forbidden", $"You don't have the rights to write under the namespace '{owner}'."); return false; }
        return true;
    }

    (Repo? Repo, string? Head) WritableRepo(HttpListenerResponse response, string key, string revision, string? auth)
    {
        if (!CanWrite(response, auth, key.Split('/')[1])) return (null, null);
        if (!Repos.TryGetValue(key, out var repo)) { Error(response, 404, "RepoNotFound", "Repository not found"); return (null, null); }
        string? head = repo.Commits.ContainsKey(revision) ? revision : repo.Refs.GetValueOrDefault(revision);
        if (head == null) { Error(response, 404, "RevisionNotFound", $"Invalid rev id: {revision}"); return (null, null); }
        return (repo, head);
    }

    async Task CreateRepoAsync(HttpListenerRequest request, HttpListenerResponse response, string? auth)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(request))!.AsObject();
        string owner = body["organization"]?.GetValue<string>() ?? UserName;
        string id = $"{owner}/{body["name"]!.GetValue<string>()}";
        string type = body["type"]?.GetValue<string>() ?? "model";
        if (!CanWrite(response, auth, owner)) return;
        string key = $"{type}s/{id}";
        string url = $"{Endpoint}{(type == "dataset" ? "datasets/" : "")}{id}";
        lock (Repos)
        {
            if (Repos.ContainsKey(key)) { Json(response, 409, new { error = "You already created this model repo", url }); return; }
            var repo = new Repo { Private = body["private"]?.GetValue<bool>() ?? false };
            string first = NextCommit("initial");
            repo.Commits[first] = new Dictionary<string, byte[]> { [".gitattributes"] = "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"u8.ToArray() };
            repo.Refs["main"] = first;
            Repos[key] = repo;
        }
        Json(response, 200, new { url });
    }

    async Task PreuploadAsync(HttpListenerRequest request, HttpListenerResponse response, string key, string revision, string? auth)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(request))!.AsObject();
        if (PreuploadDelay > TimeSpan.Zero) await Task.Delay(PreuploadDelay);
        var (repo, head) = WritableRepo(response, key, revision, auth);
        if (repo == null) return;
        var files = new List<object>();
        foreach (var f in body["files"]!.AsArray())
        {
            string path = f!["path"]!.GetValue<string>();
            long size = f["size"]!.GetValue<long>();
            Convert.FromBase64String(f["sample"]!.GetValue<string>());   // must be base64
            bool lfs = IsLfs(path) || size >= LfsThreshold;
            string? oid = null;
            if (repo.Commits[head!].TryGetValue(path, out byte[]? existing))
                oid = IsLfs(path) || repo.LfsFiles.Contains((head!, path)) ? Sha256(existing) : GitBlobSha1(existing);
            files.Add(new { path, uploadMode = lfs ? "lfs" : "regular", shouldIgnore = false, oid });
        }
        Json(response, 200, new { files });
    }

    async Task BatchAsync(HttpListenerRequest request, HttpListenerResponse response, string key, string? auth)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(request))!.AsObject();
        if (!CanWrite(response, auth, key.Split('/')[1])) return;
        if (!Repos.ContainsKey(key)) { Error(response, 404, "RepoNotFound", "Repository not found"); return; }
        string hub = Endpoint.AbsoluteUri.TrimEnd('/');
        string storage = $"http://localhost:{Endpoint.Port}";
        bool multipart = false;
        var objects = new List<object>();
        foreach (var o in body["objects"]!.AsArray())
        {
            string oid = o!["oid"]!.GetValue<string>();
            long size = o["size"]!.GetValue<long>();
            if (size > MaxFileSize)
                objects.Add(new { oid, size, error = new { code = 422, message = $"Your file is larger than the {MaxFileSize} bytes this Hub accepts." } });
            else if (lfsBlobs.ContainsKey(oid)) objects.Add(new { oid, size });
            else if (size > MultipartThreshold)
            {
                multipart = true;
                var header = new Dictionary<string, string> { ["chunk_size"] = ChunkSize.ToString() };
                for (int part = 1; (part - 1) * ChunkSize < size; part++) header[part.ToString("D5")] = $"{storage}/s3/{oid}/{part}";
                objects.Add(new { oid, size, actions = new { upload = new { href = $"{hub}/lfs-complete/{oid}", header } } });
            }
            else
                objects.Add(new
                {
                    oid, size,
                    actions = new { upload = new { href = $"{storage}/s3/{oid}" }, verify = new { href = $"{hub}/{key["models/".Length..]}.git/info/lfs/objects/verify" } },
                });
        }
        response.ContentType = "application/vnd.git-lfs+json";
        Json(response, 200, new { transfer = multipart ? "multipart" : "basic", objects });
    }

    async Task StorePutAsync(HttpListenerRequest request, HttpListenerResponse response, string[] parts)
    {
        byte[] content = await ReadBodyAsync(request);
        string oid = parts[1];
        if (parts.Length == 3) partBytes[(oid, int.Parse(parts[2]))] = content;
        else if (Sha256(content) == oid) lfsBlobs[oid] = content;
        else { response.StatusCode = 400; return; }
        response.AddHeader("ETag", $"\"{Convert.ToHexStringLower(MD5.HashData(content))}\"");
        response.StatusCode = 200;
    }

    async Task CompleteAsync(HttpListenerRequest request, HttpListenerResponse response, string oid)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(request))!.AsObject();
        var all = new List<byte>();
        foreach (var p in body["parts"]!.AsArray())
        {
            int number = p!["partNumber"]!.GetValue<int>();
            if (!partBytes.TryGetValue((oid, number), out byte[]? bytes)
                || p["etag"]!.GetValue<string>() != $"\"{Convert.ToHexStringLower(MD5.HashData(bytes))}\"")
            { Json(response, 400, new { error = $"part {number} is missing or its etag differs" }); return; }
            all.AddRange(bytes);
        }
        if (Sha256([.. all]) != oid) { Json(response, 400, new { error = "the assembled object's sha256 differs from its oid" }); return; }
        lfsBlobs[oid] = [.. all];
        Json(response, 200, new { ok = true });
    }

    async Task CommitAsync(HttpListenerRequest request, HttpListenerResponse response, string key, string revision, bool createPr, string? auth)
    {
        string[] lines = Encoding.UTF8.GetString(await ReadBodyAsync(request)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var (repo, head) = WritableRepo(response, key, revision, auth);
        if (repo == null) return;
        lock (repo)
        {
            head = repo.Commits.ContainsKey(revision) ? revision : repo.Refs[revision];
            var files = new Dictionary<string, byte[]>(repo.Commits[head]);
            var lfs = repo.LfsFiles.Where(l => l.Commit == head).Select(l => l.Path).ToHashSet();
            var record = new List<string>();
            string? summary = null;
            foreach (string line in lines)
            {
                var item = JsonNode.Parse(line)!.AsObject();
                var value = item["value"]!.AsObject();
                string what = item["key"]!.GetValue<string>();
                if (what == "header")
                {
                    summary = value["summary"]!.GetValue<string>();
                    if (value["parentCommit"]?.GetValue<string>() is { } parent && parent != head)
                    { Json(response, 412, new { error = "A commit has happened since. Please refresh and try again." }); return; }
                    continue;
                }
                string path = value["path"]!.GetValue<string>();
                record.Add($"{what} {path}");
                switch (what)
                {
                    case "file":
                        files[path] = Convert.FromBase64String(value["content"]!.GetValue<string>());
                        lfs.Remove(path);
                        break;
                    case "lfsFile":
                        if (!lfsBlobs.TryGetValue(value["oid"]!.GetValue<string>(), out byte[]? blob) || blob.Length != value["size"]!.GetValue<long>())
                        { Json(response, 422, new { error = $"LFS object for {path} was never uploaded" }); return; }
                        files[path] = blob;
                        lfs.Add(path);
                        break;
                    case "deletedFile": files.Remove(path); break;
                    case "deletedFolder": foreach (string f in files.Keys.Where(f => f.StartsWith(path.TrimEnd('/') + "/")).ToList()) files.Remove(f); break;
                    default: Json(response, 400, new { error = $"unknown key {what}" }); return;
                }
            }
            if (summary == null) { Json(response, 400, new { error = "the first line must be the header" }); return; }
            string commit = NextCommit(summary);
            repo.Commits[commit] = files;
            foreach (string path in lfs) repo.LfsFiles.Add((commit, path));
            string? pr = null;
            if (createPr)
            {
                int n = repo.Refs.Keys.Count(r => r.StartsWith("refs/pr/")) + 1;
                repo.Refs[$"refs/pr/{n}"] = commit;
                pr = $"{Endpoint}{key["models/".Length..]}/discussions/{n}";
            }
            else repo.Refs[revision] = commit;
            Commits.Enqueue(record);
            Json(response, 200, new { commitUrl = $"{Endpoint}{key["models/".Length..]}/commit/{commit}", commitOid = commit, pullRequestUrl = pr });
        }
    }

    string NextCommit(string seed) => GitBlobSha1(Encoding.UTF8.GetBytes($"commit {Interlocked.Increment(ref commitCounter)} {seed}"));

    static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    static void Json(HttpListenerResponse response, int status, object value)
    {
        response.StatusCode = status;
        if (response.ContentType == null) response.ContentType = "application/json";
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value);
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }
}
