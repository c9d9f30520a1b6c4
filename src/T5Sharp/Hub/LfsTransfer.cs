using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace T5Sharp.Hub;

/// <summary>
/// Sends LFS objects the way huggingface_hub does, through the Git LFS batch API
/// (<c>POST {endpoint}/{repo}.git/info/lfs/objects/batch</c>): an object the storage already has comes back without actions
/// and is not sent; "basic" objects go in one PUT; objects whose upload action carries <c>chunk_size</c> and numbered part
/// URLs go part by part (each PUT retried on its own, so a failure resumes at that part), then the completion call with
/// every part's ETag. An optional verify call confirms each object. Uploaded objects change nothing until the commit names them.
/// </summary>
internal sealed class LfsTransfer(HubOptions options, HubRepoId repo)
{
    const int BatchSize = 256;
    const string LfsMediaType = "application/vnd.git-lfs+json";

    sealed record Action(string Href, JsonObject Header);
    sealed record Planned(HubUploadFile File, Action Upload, Action? Verify);

    /// <summary>Uploads the objects the storage lacks; returns the bytes sent (retries not counted twice).</summary>
    public async Task<long> UploadAsync(IReadOnlyList<HubUploadFile> files, Action<HubUploadProgress>? progress, CancellationToken ct)
    {
        var planned = new List<Planned>();
        for (int i = 0; i < files.Count; i += BatchSize)
            planned.AddRange(await BatchAsync(files.Skip(i).Take(BatchSize).ToList(), ct).ConfigureAwait(false));

        long total = planned.Sum(p => p.File.Size), done = 0;
        foreach (var p in planned)
        {
            void Report(long n)
            {
                done += n;
                progress?.Invoke(new HubUploadProgress(HubUploadStage.Uploading, p.File.PathInRepo, done, total));
            }
            if (p.Upload.Header["chunk_size"] is { } chunk) await MultipartAsync(p, ChunkSize(p, chunk), Report, ct).ConfigureAwait(false);
            else await PutAsync(p.File, new Uri(p.Upload.Href), 0, p.File.Size, "", Report, ct).ConfigureAwait(false);
            if (p.Verify != null)
                await PostJsonAsync(new Uri(p.Verify.Href), new JsonObject { ["oid"] = p.File.Sha256, ["size"] = p.File.Size },
                    $"the LFS verify call for '{p.File.PathInRepo}'", ct).ConfigureAwait(false);
        }
        return total;
    }

    async Task<List<Planned>> BatchAsync(List<HubUploadFile> files, CancellationToken ct)
    {
        var url = new Uri($"{options.Endpoint.AbsoluteUri.TrimEnd('/')}/{repo.UrlPrefix}.git/info/lfs/objects/batch");
        var objects = new JsonArray();
        foreach (var f in files) objects.Add(new JsonObject { ["oid"] = f.Sha256, ["size"] = f.Size });
        var body = new JsonObject
        {
            ["operation"] = "upload", ["transfers"] = new JsonArray("basic", "multipart"), ["objects"] = objects,
            ["hash_algo"] = "sha256", ["ref"] = new JsonObject { ["name"] = repo.Revision },
        };
        using var doc = await PostJsonAsync(url, body, "the LFS batch call", ct).ConfigureAwait(false);
        var byOid = files.GroupBy(f => f.Sha256).ToDictionary(g => g.Key, g => g.First());
        var planned = new List<Planned>();
        try
        {
            foreach (var o in doc.RootElement.GetProperty("objects").EnumerateArray())
            {
                string oid = o.GetProperty("oid").GetString()!;
                var file = byOid.GetValueOrDefault(oid) ?? throw new JsonException($"the answer names object {oid}, which was not asked for");
                if (o.TryGetProperty("error", out var error))
                    throw new HubException($"The Hub refused to store '{file.PathInRepo}' ({file.Size:N0} bytes) through LFS in {HubClient.KindName(repo)} " +
                                           $"repository '{repo.Id}': {error.GetProperty("message").GetString()} (code {error.GetProperty("code").GetInt32()}); " +
                                           "nothing was committed.") { StatusCode = error.GetProperty("code").GetInt32() };
                if (!o.TryGetProperty("actions", out var actions) || !actions.TryGetProperty("upload", out var upload)) continue; // already stored
                planned.Add(new Planned(file, Parse(upload), actions.TryGetProperty("verify", out var verify) ? Parse(verify) : null));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubException($"{url} did not answer with a Git LFS batch response ('objects' with 'oid', 'actions' or 'error'): {e.Message}", e);
        }
        return planned;
    }

    static Action Parse(JsonElement action) =>
        new(action.GetProperty("href").GetString()!,
            action.TryGetProperty("header", out var h) && h.ValueKind == JsonValueKind.Object ? JsonNode.Parse(h.GetRawText())!.AsObject() : []);

    long ChunkSize(Planned p, JsonNode chunk)
    {
        if (!long.TryParse(chunk.ToString(), out long size) || size <= 0)
            throw new HubException($"The LFS batch answer for '{p.File.PathInRepo}' has chunk_size '{chunk}'; expected a positive integer.");
        return size;
    }

    async Task MultipartAsync(Planned p, long chunkSize, Action<long> report, CancellationToken ct)
    {
        var parts = p.Upload.Header
            .Where(kv => kv.Key.Length > 0 && kv.Key.All(char.IsAsciiDigit))
            .OrderBy(kv => int.Parse(kv.Key))
            .Select(kv => new Uri(kv.Value!.ToString()))
            .ToList();
        long expected = (p.File.Size + chunkSize - 1) / chunkSize;
        if (parts.Count != expected)
            throw new HubException($"The LFS batch answer for '{p.File.PathInRepo}' ({p.File.Size:N0} bytes) has {parts.Count} part URLs for chunks of " +
                                   $"{chunkSize:N0} bytes; expected {expected}.");
        var etags = new JsonArray();
        for (int i = 0; i < parts.Count; i++)
        {
            long offset = i * chunkSize;
            string etag = await PutAsync(p.File, parts[i], offset, Math.Min(chunkSize, p.File.Size - offset), $" (part {i + 1} of {parts.Count})",
                report, ct).ConfigureAwait(false);
            if (etag.Length == 0)
                throw new HubException($"The LFS storage gave no ETag for part {i + 1} of '{p.File.PathInRepo}'; the completion call needs one per part.");
            etags.Add(new JsonObject { ["partNumber"] = i + 1, ["etag"] = etag });
        }
        (await PostJsonAsync(new Uri(p.Upload.Href), new JsonObject { ["oid"] = p.File.Sha256, ["parts"] = etags },
            $"the multipart completion call for '{p.File.PathInRepo}'", ct).ConfigureAwait(false)).Dispose();
    }

    /// <summary>One PUT of a file slice, retried alone on 5xx and broken connections; returns the storage's ETag.</summary>
    async Task<string> PutAsync(HubUploadFile file, Uri url, long offset, long length, string part, Action<long> report, CancellationToken ct)
    {
        long sentThisAttempt = 0;
        using var response = await HubRetry.SendAsync(options, () =>
        {
            sentThisAttempt = 0;
            return new HttpRequestMessage(HttpMethod.Put, url)
            {
                Content = new FileSliceContent(file.LocalPath, offset, length, n => { sentThisAttempt += n; report(n); }),
            };
        }, ct, beforeRetry: () => report(-sentThisAttempt)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HubException($"The LFS storage ({url.GetLeftPart(UriPartial.Authority)}) answered {(int)response.StatusCode} {response.ReasonPhrase} " +
                                   $"to the upload of '{file.PathInRepo}'{part}; nothing was committed.") { StatusCode = (int)response.StatusCode };
        return HubHttp.Header(response, "ETag") ?? "";
    }

    async Task<JsonDocument> PostJsonAsync(Uri url, JsonObject body, string action, CancellationToken ct)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var response = await HubRetry.SendAsync(options, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(LfsMediaType);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(LfsMediaType));
            return request;
        }, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await HubWriteErrors.FromAsync(response, options, repo, action, ct).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }
        catch (JsonException e)
        {
            throw new HubException($"{url} answered {action} with something that is not JSON: {e.Message}", e);
        }
    }
}
