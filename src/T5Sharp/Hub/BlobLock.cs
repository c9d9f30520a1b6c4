namespace T5Sharp.Hub;

/// <summary>
/// An exclusive lock on <c>.locks/{repo}/{etag}.lock</c>, held while one blob is downloaded so that two processes (or two
/// tasks) never write the same <c>.incomplete</c> file. FileShare.None is an flock(LOCK_EX) on Unix, the same lock
/// Python's filelock takes on that path, so huggingface_hub and T5Sharp exclude each other too.
/// </summary>
internal sealed class BlobLock : IDisposable
{
    readonly FileStream stream;

    BlobLock(FileStream stream) => this.stream = stream;

    public static async Task<BlobLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new BlobLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new HubException($"Another process has held the download lock {path} for {timeout.TotalSeconds:0} s; " +
                                       "if no download is running, delete that file and try again.", e);
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
