using System.Security.Cryptography;
using System.Text;

namespace T5Sharp.Hub;

/// <summary>
/// One local file to commit at <see cref="PathInRepo"/>. Its hashes are computed once, in one read: the sha256 names the
/// LFS object, the git blob sha1 is what the Hub reports as a regular file's oid, so an unchanged file can be recognised.
/// </summary>
public sealed class HubUploadFile
{
    const int SampleSize = 512;
    byte[]? sample;
    string? sha256;
    string? gitSha1;

    public HubUploadFile(string localPath, string pathInRepo)
    {
        LocalPath = localPath;
        PathInRepo = pathInRepo;
        Size = new FileInfo(localPath).Length;
    }

    public string LocalPath { get; }
    public string PathInRepo { get; }
    public long Size { get; }

    /// <summary>The first 512 bytes, which the preupload call uses (with the size and the path) to pick regular or LFS.</summary>
    public byte[] Sample
    {
        get
        {
            if (sample != null) return sample;
            using var stream = File.OpenRead(LocalPath);
            var buffer = new byte[(int)Math.Min(SampleSize, Size)];
            stream.ReadExactly(buffer);
            return sample = buffer;
        }
    }

    public string Sha256 { get { EnsureHashes(null); return sha256!; } }
    public string GitSha1 { get { EnsureHashes(null); return gitSha1!; } }

    /// <summary>Reads the file once for both hashes, reporting bytes read (large weights take a while).</summary>
    public void EnsureHashes(Action<long>? onBytes)
    {
        if (sha256 != null) return;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var git = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        git.AppendData(Encoding.ASCII.GetBytes($"blob {Size}\0"));
        using var stream = File.OpenRead(LocalPath);
        var buffer = new byte[1 << 20];
        long read = 0;
        for (int n; (n = stream.Read(buffer)) > 0;)
        {
            sha.AppendData(buffer, 0, n);
            git.AppendData(buffer, 0, n);
            read += n;
            onBytes?.Invoke(n);
        }
        if (read != Size)
            throw new HubException($"{LocalPath} changed while it was being read for upload ({Size} bytes expected, {read} read); push again once it is written.");
        sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
        gitSha1 = Convert.ToHexStringLower(git.GetHashAndReset());
    }
}
