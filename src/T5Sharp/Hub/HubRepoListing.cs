namespace T5Sharp.Hub;

/// <summary>A repository's file list at one commit, as the Hub API (/api/models/{repo}, /api/datasets/{repo}) returns it.</summary>
public sealed record HubRepoListing(HubRepoId Repo, string CommitHash, IReadOnlyList<string> Files);
