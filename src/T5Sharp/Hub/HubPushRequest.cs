namespace T5Sharp.Hub;

/// <summary>
/// What to push where: files (from <see cref="UploadFileSelection.FromFolder"/>) into a repository at a branch, in one commit.
/// The repository is created when it does not exist (private when asked); with <see cref="CreatePr"/> the commit opens a
/// pull request (refs/pr/N) instead of moving the branch.
/// </summary>
public sealed record HubPushRequest(HubRepoId Repo, IReadOnlyList<HubUploadFile> Files)
{
    public string CommitMessage { get; init; } = "Upload folder using T5Sharp";
    public string CommitDescription { get; init; } = "";
    public bool Private { get; init; }
    public bool CreatePr { get; init; }
    /// <summary>Also delete these repo paths (a trailing '/' names a folder) in the same commit.</summary>
    public IReadOnlyList<string> Deletions { get; init; } = [];
}
