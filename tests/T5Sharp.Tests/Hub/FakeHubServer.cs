using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace T5Sharp.Tests.Hub;

/// <summary>
/// A loopback HTTP server that speaks the Hugging Face Hub's download protocol, for the client to be tested for real:
/// <c>/{repo}/resolve/{rev}/{file}</c> (datasets under /datasets/) answering HEAD/GET with X-Repo-Commit and a quoted
/// git-blob-sha1 ETag; LFS files answer 302 to <c>http://localhost:{port}/cdn/{sha256}</c> (another host) with X-Linked-Etag / X-Linked-Size; Range requests
/// (206); the repo API <c>/api/{models|datasets}/{repo}[/revision/{rev}]</c>; X-Error-Code 401/403/404 answers; a renamed
/// repo's relative redirect. Binds 127.0.0.1 on a free port, serves a bounded number of requests, stops by itself.
/// </summary>
public sealed partial class FakeHubServer : IDisposable
{
    public sealed class Repo
    {
        public Dictionary<string, Dictionary<string, byte[]>> Commits { get; } = new();
        public Dictionary<string, string> Refs { get; } = new();
        public bool Gated { get; init; }
        public bool Private { get; init; }
        /// <summary>(commit, path) of files stored through LFS by a push; served like LFS files (302 to the CDN).</summary>
        public HashSet<(string Commit, string Path)> LfsFiles { get; } = new();
    }

    const int MaxRequests = 2000;
    readonly HttpListener listener = new();
    readonly ConcurrentDictionary<string, byte[]> lfsBlobs = new();
    readonly Timer stopTimer;
    int requestCount;

    public Uri Endpoint { get; }
    public Dictionary<string, Repo> Repos { get; } = new();          // key: "models/owner/name" or "datasets/owner/name"
    public Dictionary<string, string> Renamed { get; } = new();       // old "owner/name" -> new "owner/name" (models)
    public ConcurrentQueue<string> Log { get; } = new();              // "METHOD /path [Range: ...] [Auth: ...]"
    public string? AcceptedToken { get; set; }
    /// <summary>Cut the connection after this many body bytes of the next N blob GETs (an interrupted transfer).</summary>
    public int BreakAfterBytes { get; set; }
    public int BreaksLeft { get; set; }
    /// <summary>Serve LFS blobs with one byte flipped (same size, wrong sha256).</summary>
    public bool CorruptBlobs { get; set; }
    /// <summary>Slow every blob GET by this much, so concurrent downloads really overlap.</summary>
    public TimeSpan BlobDelay { get; set; }

    public FakeHubServer()
    {
        Endpoint = Start(listener);
        _ = Task.Run(ServeAsync);
        stopTimer = new Timer(_ => Dispose(), null, TimeSpan.FromMinutes(3), Timeout.InfiniteTimeSpan);
    }

    public static string GitBlobSha1(byte[] content)
    {
        byte[] header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static bool IsLfs(string path) =>
        path.EndsWith(".safetensors") || path.EndsWith(".bin") || path.EndsWith(".model") || path.EndsWith(".parquet") || path.EndsWith(".msgpack");

    public int Count(string prefix) => Log.Count(l => l.StartsWith(prefix, StringComparison.Ordinal));

    public void Dispose()
    {
        stopTimer?.Dispose();
        try { listener.Close(); } catch (ObjectDisposedException) { }
    }

    static Uri Start(HttpListener listener)
    {
        for (int attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            // The "CDN" is the same server under another host name, so that the client sees a different host there.
            listener.Prefixes.Add($"http://localhost:{port}/");
            try
            {
                listener.Start();
                return new Uri($"http://127.0.0.1:{port}");
            }
            catch (HttpListenerException) when (attempt < 10) { }
        }
    }

    async Task ServeAsync()
    {
        while (listener.IsListening && Interlocked.Increment(ref requestCount) <= MaxRequests)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => HandleSafely(context));
        }
        Dispose();
    }

    async Task HandleSafely(HttpListenerContext context)
    {
        try { await HandleAsync(context.Request, context.Response); }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        finally { try { context.Response.Close(); } catch (Exception) { } }
    }

    async Task HandleAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        string path = request.Url!.AbsolutePath;     // still percent-encoded: a revision's %2F stays one segment
        string? range = request.Headers["Range"];
        string? auth = request.Headers["Authorization"];
        Log.Enqueue($"{request.HttpMethod} {path}{(range != null ? $" Range: {range}" : "")}{(auth != null ? $" Auth: {auth}" : "")}");
        string[] parts = path.Trim('/').Split('/');

        if (await InjectFaultAsync(request, response)) return;
        if (parts[0] == "cdn") { await ServeBlobAsync(request, response, parts[1], range); return; }
        if (await UploadRouteAsync(request, response, parts, auth)) return;
        if (parts[0] == "api") { Api(response, parts, auth); return; }

        bool dataset = parts[0] == "datasets";
        string[] rest = dataset ? parts[1..] : parts;
        if (rest.Length < 5 || rest[2] != "resolve") { Error(response, 404, "RepoNotFound"); return; }
        string id = $"{rest[0]}/{rest[1]}";
        if (!dataset && Renamed.TryGetValue(id, out string? newId))
        {
            // The Hub answers a renamed repo with a RELATIVE redirect to its new name.
            response.StatusCode = 307;
            response.AddHeader("Location", "/" + newId + "/" + string.Join('/', rest[2..]));
            return;
        }
        var (repo, commit) = Lookup(response, (dataset ? "datasets/" : "models/") + id, Uri.UnescapeDataString(rest[3]), auth);
        if (repo == null) return;
        string file = string.Join('/', rest[4..].Select(Uri.UnescapeDataString));
        response.AddHeader("X-Repo-Commit", commit!);
        if (!repo.Commits[commit!].TryGetValue(file, out byte[]? content)) { Error(response, 404, "EntryNotFound"); return; }

        if (IsLfs(file) || repo.LfsFiles.Contains((commit!, file)))
        {
            string sha = Sha256(content);
            lfsBlobs[sha] = content;
            response.StatusCode = 302;
            response.AddHeader("Location", $"http://localhost:{Endpoint.Port}/cdn/{sha}");
            // The pointer file's own ETag differs from the content's: the client must use the linked one.
            response.AddHeader("ETag", $"\"{GitBlobSha1(Encoding.ASCII.GetBytes("pointer " + sha))}\"");
            response.AddHeader("X-Linked-Etag", $"\"{sha}\"");
            response.AddHeader("X-Linked-Size", content.Length.ToString());
            return;
        }
        response.AddHeader("ETag", $"\"{GitBlobSha1(content)}\"");
        response.ContentLength64 = content.Length;
        if (request.HttpMethod == "GET") await response.OutputStream.WriteAsync(content);
    }

    async Task ServeBlobAsync(HttpListenerRequest request, HttpListenerResponse response, string sha, string? range)
    {
        if (!lfsBlobs.TryGetValue(sha, out byte[]? content)) { response.StatusCode = 404; return; }
        if (CorruptBlobs) { content = (byte[])content.Clone(); content[content.Length / 2] ^= 0xFF; }
        if (BlobDelay > TimeSpan.Zero) await Task.Delay(BlobDelay);
        long start = 0;
        if (range != null)
        {
            start = long.Parse(range["bytes=".Length..range.IndexOf('-')]);
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
        }
        response.ContentLength64 = content.Length - start;
        if (request.HttpMethod != "GET") return;
        int n = content.Length - (int)start;
        bool breakNow = BreaksLeft > 0 && BreakAfterBytes < n;
        if (breakNow)
        {
            BreaksLeft--;
            await response.OutputStream.WriteAsync(content.AsMemory((int)start, BreakAfterBytes));
            await response.OutputStream.FlushAsync();
            response.Abort();          // the connection drops mid-body, as a flaky network would
            return;
        }
        await response.OutputStream.WriteAsync(content.AsMemory((int)start, n));
    }

    void Api(HttpListenerResponse response, string[] parts, string? auth)
    {
        // /api/{models|datasets}/{owner}/{name}[/revision/{rev}]
        string key = $"{parts[1]}/{parts[2]}/{parts[3]}";
        if (parts[1] == "models" && Renamed.TryGetValue($"{parts[2]}/{parts[3]}", out string? newId))
        {
            response.StatusCode = 307;
            response.AddHeader("Location", $"/api/models/{newId}/" + string.Join('/', parts[4..]));
            return;
        }
        string revision = parts.Length >= 6 && parts[4] == "revision" ? Uri.UnescapeDataString(parts[5]) : "main";
        var (repo, commit) = Lookup(response, key, revision, auth);
        if (repo == null) return;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = $"{parts[2]}/{parts[3]}",
            sha = commit,
            siblings = repo.Commits[commit!].Keys.Order().Select(f => new { rfilename = f }),
        });
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    (Repo? Repo, string? Commit) Lookup(HttpListenerResponse response, string key, string revision, string? auth)
    {
        // Like the Hub: an unknown repo is a 401 to an anonymous caller (it might be private) and a 404 to a logged-in one.
        if (!Repos.TryGetValue(key, out var repo)) { Error(response, auth == null ? 401 : 404, "RepoNotFound"); return (null, null); }
        bool authorized = AcceptedToken != null && auth == $"Bearer {AcceptedToken}";
        if (repo.Private && !authorized) { Error(response, 401, "RepoNotFound"); return (null, null); }
        if (repo.Gated && !authorized) { Error(response, auth == null ? 401 : 403, "GatedRepo"); return (null, null); }
        string? commit = repo.Commits.ContainsKey(revision) ? revision : repo.Refs.GetValueOrDefault(revision);
        if (commit == null) { Error(response, 404, "RevisionNotFound"); return (null, null); }
        return (repo, commit);
    }

    static void Error(HttpListenerResponse response, int status, string code, string? message = null)
    {
        response.StatusCode = status;
        response.AddHeader("X-Error-Code", code);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { error = message ?? code });
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }
}
