namespace T5Sharp.Hub;

/// <summary>
/// What a HEAD request on a Hub file URL tells us: the commit the revision points to (X-Repo-Commit), the blob's ETag
/// (X-Linked-Etag for LFS files: their sha256; else ETag: the git blob sha1), its size (X-Linked-Size or Content-Length),
/// and where to GET it (the CDN Location of a 302 for LFS files, else the resolve URL itself).
/// </summary>
public sealed record HubFileMetadata(string CommitHash, string Etag, long Size, Uri Location)
{
    /// <summary>LFS files are named by their sha256 (64 hex digits), which lets us verify the content.</summary>
    public bool IsSha256Etag => Etag.Length == 64 && Etag.All(Uri.IsHexDigit);
}
