using System.Runtime.InteropServices;

namespace T5Sharp.Formats;

/// <summary>
/// Writes a file so that a crash never leaves half of it: a temporary name in the same folder (<c>NAME.tmp-PID-GUID</c>),
/// flushed to disk, then renamed. A full disk or a forbidden folder surfaces as a <see cref="StorageException"/> naming
/// the file, and the temporary file is removed.
/// </summary>
public static class AtomicFile
{
    /// <summary>The marker of temporary names (files here, checkpoint folders in training): anything named so is a leftover.</summary>
    public const string TemporaryMarker = ".tmp-";

    // A test seam: called with each path before its temporary file is renamed; an exception it returns is thrown there,
    // as if the disk had filled while writing. AsyncLocal, so that a test injects faults into its own calls only.
    static readonly AsyncLocal<Func<string, Exception?>?> Fault = new();

    /// <summary>Makes every write of the current async flow ask <paramref name="fault"/> first (tests: a full disk everywhere).</summary>
    public static IDisposable InjectFaults(Func<string, Exception?> fault)
    {
        var previous = Fault.Value;
        Fault.Value = fault;
        return new Restore(() => Fault.Value = previous);
    }

    /// <summary>Throws what an injected fault returns for <paramref name="path"/> (the seam for other all-or-nothing steps,
    /// e.g. a deletion interrupted after its rename).</summary>
    internal static void ThrowInjectedFault(string path)
    {
        if (Fault.Value?.Invoke(path) is { } injected) throw injected;
    }

    /// <summary>A unique temporary sibling of <paramref name="fullPath"/>.</summary>
    public static string TemporaryName(string fullPath) => $"{fullPath}{TemporaryMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";

    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string tmp = TemporaryName(full);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                if (Fault.Value?.Invoke(full) is { } injected) throw injected;
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is not StorageException && StorageErrors.IsStorageFailure(e)) throw new StorageException(full, e);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>
    /// Flushes a folder's entries (creations, renames) to disk, so that a rename survives a power cut; Linux and macOS only
    /// (Windows has no such call, and NTFS journals renames itself).
    /// </summary>
    public static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: the data files themselves were flushed already
        try { _ = FSync(fd); }
        finally { _ = Close(fd); }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    static extern int Close(int fd);

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
