using System.Security.Cryptography;

namespace T5Sharp.Hub;

/// <summary>
/// Streams one blob into <c>blobs/{etag}.incomplete</c>, resuming with a Range request after a broken transfer (or one a
/// previous process left), then checks the size and, for LFS files, the sha256 the Hub published as the ETag, and only
/// then renames it to <c>blobs/{etag}</c>. A file that fails a check is deleted, so nothing wrong ever enters the cache.
/// </summary>
internal sealed class BlobDownloader(HubOptions options)
{
    const int BufferSize = 1 << 16;

    public async Task DownloadAsync(HubRepoId repo, string file, HubFileMetadata meta, string incomplete, string blob,
        Action<HubDownloadProgress>? progress, CancellationToken ct)
    {
        long have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        if (have > meta.Size) { File.Delete(incomplete); have = 0; }
        // An empty file (a pushed __init__.py, say) needs no transfer, but still a blob.
        if (meta.Size == 0) File.WriteAllBytes(incomplete, []);
        for (int attempt = 0; have < meta.Size; attempt++)
        {
            try
            {
                have = await TransferAsync(file, meta, incomplete, have, progress, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (HubHttp.IsNetworkFailure(e, ct) || e is HubException { Unreachable: true })
            {
                have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
                if (attempt >= options.MaxResumeAttempts)
                    throw new HubException($"Download of '{file}' from {repo} broke {attempt + 1} times, last at byte {have} of {meta.Size} " +
                                           $"({e.Message}); run again to resume from {incomplete}.", e) { Unreachable = true };
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), ct).ConfigureAwait(false);
            }
        }
        progress?.Invoke(new HubDownloadProgress(file, have, meta.Size));
        Verify(repo, file, meta, incomplete);
        File.Move(incomplete, blob, overwrite: true);
    }

    async Task<long> TransferAsync(string file, HubFileMetadata meta, string incomplete, long have,
        Action<HubDownloadProgress>? progress, CancellationToken ct)
    {
        using var response = await HubHttp.SendAsync(options, HttpMethod.Get, meta.Location, followAbsolute: true, have,
            HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (status == 416 && have == meta.Size) return have;
        if (status is not (200 or 206))
            throw new HubException($"GET {meta.Location} for '{file}' answered {status} {response.ReasonPhrase}; expected 200 or 206.") { StatusCode = status };
        // A 200 to a Range request means the server sent the whole file: start over rather than append a second copy.
        if (status == 200) have = 0;

        await using var output = new FileStream(incomplete, have == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, BufferSize);
        await using var input = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[BufferSize];
        while (true)
        {
            // A stalled connection must not hang forever: each read gets ReadTimeout, after which the transfer resumes.
            using var readLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            readLimit.CancelAfter(options.ReadTimeout);
            int n = await input.ReadAsync(buffer, readLimit.Token).ConfigureAwait(false);
            if (n == 0) break;
            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            have += n;
            progress?.Invoke(new HubDownloadProgress(file, have, meta.Size));
        }
        await output.FlushAsync(ct).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
        if (have < meta.Size)
            throw new IOException($"the connection closed after {have} of {meta.Size} bytes");
        return have;
    }

    static void Verify(HubRepoId repo, string file, HubFileMetadata meta, string incomplete)
    {
        long size = new FileInfo(incomplete).Length;
        if (size != meta.Size)
        {
            File.Delete(incomplete);
            throw new HubException($"Downloaded '{file}' of {repo} has {size} bytes; the Hub announced {meta.Size} " +
                                   "(X-Linked-Size / Content-Length). The partial file was deleted; run again.");
        }
        if (!meta.IsSha256Etag) return;
        string actual;
        using (var stream = File.OpenRead(incomplete)) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual == meta.Etag) return;
        File.Delete(incomplete);
        throw new HubException($"Checksum mismatch for '{file}' of {repo}: sha256 of the downloaded bytes is {actual}, " +
                               $"the Hub's ETag says {meta.Etag}. The file was deleted and nothing entered the cache.");
    }
}
