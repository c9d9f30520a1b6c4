namespace T5Sharp.Hub;

/// <summary>
/// A dataset repo's data files in the local cache, grouped by split (train / validation / test / …). <see cref="Config"/>
/// is set when the files come from the Hub's Parquet conversion (revision refs/convert/parquet).
/// </summary>
public sealed record HubDataset(HubRepoId Repo, string CommitHash, string SnapshotFolder, string? Config,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Splits)
{
    /// <summary>The one local file of <paramref name="split"/> ("dev" and "valid" mean "validation"); a clear error otherwise.</summary>
    public string FileFor(string split)
    {
        string wanted = DatasetFileSelection.CanonicalSplit(split) ?? split;
        if (!Splits.TryGetValue(wanted, out var files))
            throw new HubException($"Dataset {Repo} has no '{split}' split; it has: {string.Join(", ", Splits.Keys.Order())}.");
        if (files.Count != 1)
            throw new HubException($"Split '{wanted}' of dataset {Repo} is {files.Count} files ({string.Join(", ", files.Select(Path.GetFileName))}); " +
                                   "a --data option takes one file, so pass one of them by path.");
        return files[0];
    }
}
