namespace T5Sharp.Hub;

/// <summary>What a push is doing: reading files for their hashes, sending LFS objects, or sending the commit.</summary>
public enum HubUploadStage
{
    Hashing,
    Uploading,
    Committing,
}
