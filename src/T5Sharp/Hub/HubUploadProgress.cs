namespace T5Sharp.Hub;

/// <summary>
/// One progress report of a push: the stage, the file being worked on, and the bytes of that stage done so far of its
/// total (hashing counts every file, uploading only the LFS bytes that are really sent). A retried request moves BytesDone back.
/// </summary>
public readonly record struct HubUploadProgress(HubUploadStage Stage, string FileName, long BytesDone, long TotalBytes);
