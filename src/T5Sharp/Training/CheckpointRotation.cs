namespace T5Sharp.Training;

/// <summary>
/// save_total_limit as HF's _rotate_checkpoints applies it: checkpoint-N folders sorted by step, the best one moved
/// next to the newest so it is deleted last (never, in practice), and the oldest removed beyond the limit — a limit
/// of 1 keeps 2 when the best is not the newest and load_best_model_at_end needs it.
/// </summary>
public static class CheckpointRotation
{
    public const string Prefix = "checkpoint-";

    /// <summary>checkpoint-N folders of <paramref name="outputDir"/>, oldest first.</summary>
    public static List<string> Sorted(string outputDir) =>
        !Directory.Exists(outputDir) ? [] :
        Directory.GetDirectories(outputDir, Prefix + "*")
            .Select(d => (Dir: d, Step: long.TryParse(Path.GetFileName(d)[Prefix.Length..], out long s) ? s : -1))
            .Where(x => x.Step >= 0).OrderBy(x => x.Step).Select(x => x.Dir).ToList();

    /// <summary>Deletes checkpoints beyond <paramref name="limit"/>; returns the folders deleted.</summary>
    public static List<string> Rotate(string outputDir, int? limit, string? bestCheckpoint, bool loadBestModelAtEnd)
    {
        if (limit is not int keep) return [];
        var sorted = Sorted(outputDir);
        if (sorted.Count <= keep) return [];
        int best = bestCheckpoint is null ? -1 : sorted.FindIndex(d => SamePath(d, bestCheckpoint));
        if (best >= 0)
            for (int i = best; i < sorted.Count - 2; i++) (sorted[i], sorted[i + 1]) = (sorted[i + 1], sorted[i]);
        if (keep == 1 && loadBestModelAtEnd && best >= 0 && !SamePath(sorted[^1], bestCheckpoint!)) keep = 2;
        var deleted = sorted.Take(Math.Max(0, sorted.Count - keep)).ToList();
        foreach (var dir in deleted) CheckpointFolders.DeleteWhole(dir); // a kill mid-delete must not leave a "complete" half
        return deleted;
    }

    static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);
}
