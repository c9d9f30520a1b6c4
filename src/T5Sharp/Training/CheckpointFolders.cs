using T5Sharp.Formats;

namespace T5Sharp.Training;

/// <summary>
/// How a checkpoint-N folder appears whole or not at all: it is written under a temporary name
/// (<c>checkpoint-N.tmp-PID-GUID</c>), flushed, and renamed into place; trainer_state.json, written last, marks a
/// complete one (also for folders older versions wrote in place). A run killed mid-save leaves only a temporary
/// folder, which the next start removes, and a resume of the run folder takes the newest complete checkpoint.
/// </summary>
public static class CheckpointFolders
{
    /// <summary>Why <paramref name="dir"/> is not a complete checkpoint, or null when it is one.</summary>
    public static string? Incomplete(string dir)
    {
        if (!Directory.Exists(dir)) return "the folder does not exist";
        if (Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)).Contains(AtomicFile.TemporaryMarker, StringComparison.Ordinal))
            return "it is the temporary folder of a save that did not finish";
        if (!File.Exists(Path.Combine(dir, TrainerState.FileName)))
            return $"it has no {TrainerState.FileName} (written last: a save was interrupted)";
        var leftover = Directory.EnumerateFiles(dir, "*" + AtomicFile.TemporaryMarker + "*").Select(Path.GetFileName).FirstOrDefault();
        return leftover is null ? null : $"it holds {leftover}, a file whose write did not finish";
    }

    public static bool IsComplete(string dir) => Incomplete(dir) is null;

    /// <summary>The newest complete checkpoint-N of <paramref name="runDir"/>, or null.</summary>
    public static string? LatestComplete(string runDir) => CheckpointRotation.Sorted(runDir).LastOrDefault(IsComplete);

    /// <summary>
    /// What <c>--resume PATH</c> continues from: PATH itself when it is a complete checkpoint, the newest complete
    /// checkpoint-N when PATH is a run folder; otherwise an error that names only folders that exist and are complete.
    /// </summary>
    public static string ResolveResume(string path)
    {
        string trimmed = Path.TrimEndingDirectorySeparator(path);
        bool namedAsCheckpoint = Path.GetFileName(trimmed).StartsWith(CheckpointRotation.Prefix, StringComparison.Ordinal);
        if (!Directory.Exists(trimmed))
            throw new TrainingException($"--resume {path}: no such folder (give a checkpoint-N folder, or the run folder to continue from its newest complete checkpoint)");
        if (Incomplete(trimmed) is null) return trimmed;
        if (namedAsCheckpoint || File.Exists(Path.Combine(trimmed, TrainerCheckpoint.ArgumentsFile)))
        {
            string parent = Path.GetDirectoryName(Path.GetFullPath(trimmed))!;
            string? latest = LatestComplete(parent);
            string hint = latest is null ? $"{parent} holds no complete checkpoint" : $"the newest complete checkpoint is {latest}";
            throw new TrainingException($"--resume {path}: not a complete checkpoint: {Incomplete(trimmed)}; {hint}");
        }
        return LatestComplete(trimmed) ?? throw new TrainingException(
            $"--resume {path}: the folder holds no complete {CheckpointRotation.Prefix}N folder to continue from");
    }

    /// <summary>
    /// Writes a checkpoint through <paramref name="write"/> into a temporary sibling of <paramref name="dir"/>, flushes
    /// it and renames it to <paramref name="dir"/> (replacing a folder of that name: a resumed run saving the same step
    /// again, as HF overwrites it). On failure the temporary folder is removed and nothing else has changed.
    /// </summary>
    public static void WriteWhole(string dir, Action<string> write)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        string tmp = AtomicFile.TemporaryName(full);
        try
        {
            Directory.CreateDirectory(tmp);
            write(tmp);
            AtomicFile.SyncDirectory(tmp);
            string? replaced = null;
            if (Directory.Exists(full))
            {
                replaced = AtomicFile.TemporaryName(full);
                Directory.Move(full, replaced);
            }
            Directory.Move(tmp, full);
            AtomicFile.SyncDirectory(Path.GetDirectoryName(full)!);
            if (replaced is not null) Directory.Delete(replaced, recursive: true);
        }
        catch (Exception e)
        {
            TryDelete(tmp);
            // name the file as the user will know it: checkpoint-N/..., not its temporary folder
            if (e is StorageException s) throw new StorageException(s.Path.Replace(tmp, full), s.InnerException!, s.Reason);
            if (e is not StorageException && StorageErrors.IsStorageFailure(e)) throw new StorageException(full, e);
            throw;
        }
    }

    /// <summary>
    /// Deletes a checkpoint (or any run folder entry) so that it is never seen half deleted: it is first renamed to a
    /// temporary name, then removed. A kill during a plain recursive delete could leave checkpoint-N with its
    /// trainer_state.json but without, say, optimizer.safetensors — complete by every mark, and a resume would fail on
    /// it; a temporary name is what <see cref="CleanLeftovers"/> removes at the next start.
    /// </summary>
    public static void DeleteWhole(string dir)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        string doomed = AtomicFile.TemporaryName(full);
        Directory.Move(full, doomed);
        AtomicFile.SyncDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.ThrowInjectedFault(doomed); // tests: the process dies here
        Directory.Delete(doomed, recursive: true);
    }

    /// <summary>
    /// Removes what interrupted saves and deletions left in <paramref name="runDir"/>: temporary checkpoint folders and
    /// <c>*.tmp-*</c> files, in the run folder and in its checkpoint-N and final/ folders. Returns what it removed.
    /// </summary>
    public static List<string> CleanLeftovers(string runDir)
    {
        var removed = new List<string>();
        if (!Directory.Exists(runDir)) return removed;
        string pattern = "*" + AtomicFile.TemporaryMarker + "*";
        var folders = new List<string> { runDir };
        folders.AddRange(CheckpointRotation.Sorted(runDir));
        string final = Path.Combine(runDir, Seq2SeqTrainer.FinalDirName);
        if (Directory.Exists(final)) folders.Add(final);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(folder, pattern).ToList())
                if (TryDelete(file)) removed.Add(file);
            if (folder != runDir) continue;
            foreach (var dir in Directory.EnumerateDirectories(folder, pattern).ToList())
                if (TryDelete(dir)) removed.Add(dir);
        }
        return removed;
    }

    static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
            else return false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // a leftover we cannot remove does no harm: nothing reads temporary names
        }
    }
}
