namespace T5Sharp.Hub;

/// <summary>One progress report of a file download: bytes on disk so far (a resumed download starts above 0) of the total.</summary>
public readonly record struct HubDownloadProgress(string FileName, long BytesDone, long TotalBytes);
