namespace T5Sharp.Formats;

/// <summary>
/// Tells an I/O failure of the machine (a full disk, a quota, a read-only or forbidden folder) from other IOExceptions,
/// by the error code the OS gave. Only these become user errors: anything else is a bug and keeps its stack trace.
/// </summary>
public static class StorageErrors
{
    // Linux errno values, which .NET puts in IOException.HResult on Unix.
    const int EACCES = 13, ENOSPC = 28, EROFS = 30, EDQUOT = 122;
    // Windows: HRESULT_FROM_WIN32(ERROR_HANDLE_DISK_FULL / ERROR_DISK_FULL / ERROR_ACCESS_DENIED / ERROR_WRITE_PROTECT)
    const int WinHandleDiskFull = unchecked((int)0x80070027), WinDiskFull = unchecked((int)0x80070070),
        WinAccessDenied = unchecked((int)0x80070005), WinWriteProtect = unchecked((int)0x80070013);

    /// <summary>An IOException carrying the code of a full disk (ENOSPC), as .NET raises it on Linux; for fault injection.</summary>
    public static IOException DiskFull(string path) => new($"No space left on device : '{path}'", ENOSPC);

    /// <summary>What the user should read ("no space left on the device"), or null when <paramref name="e"/> is not such a failure.</summary>
    public static string? Reason(Exception e) => e switch
    {
        StorageException s => s.Reason,
        IOException { HResult: ENOSPC or WinDiskFull or WinHandleDiskFull } => "no space left on the device",
        IOException { HResult: EDQUOT } => "disk quota exceeded",
        IOException { HResult: EROFS or WinWriteProtect } => "the file system is read-only",
        IOException { HResult: EACCES or WinAccessDenied } => "permission denied",
        UnauthorizedAccessException => "permission denied",
        _ => null,
    };

    public static bool IsStorageFailure(Exception e) => Reason(e) is not null;
}
