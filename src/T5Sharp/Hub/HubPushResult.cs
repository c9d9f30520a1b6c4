namespace T5Sharp.Hub;

/// <summary>
/// What a push did: the commit it made (or, when nothing changed, the branch's head that already had every file), how many
/// files went inline in the commit, how many through LFS (and their bytes really sent), and how many the repo already had.
/// </summary>
public sealed record HubPushResult(HubRepoId Repo, string CommitOid, string? CommitUrl, string? PullRequestUrl,
    int InlineFiles, int LfsFiles, long LfsBytesSent, int UnchangedFiles, int Deletions = 0)
{
    /// <summary>Every file was already in the repo with the same content (and nothing to delete): no commit was made.</summary>
    public bool NothingChanged => InlineFiles + LfsFiles + Deletions == 0;
}
