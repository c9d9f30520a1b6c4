using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>Which folders count as complete checkpoints, what --resume picks and says, and what a new start cleans up.</summary>
public class CheckpointFoldersTests
{
    static string Checkpoint(TempDir temp, int step, bool complete)
    {
        string dir = temp.File($"run/checkpoint-{step}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        if (complete) File.WriteAllText(Path.Combine(dir, TrainerState.FileName), "{}");
        return dir;
    }

    [Fact]
    public void ResumeOfARunFolderTakesTheNewestCompleteCheckpoint()
    {
        using var temp = new TempDir();
        string one = Checkpoint(temp, 1, complete: true);
        string two = Checkpoint(temp, 2, complete: true);
        Checkpoint(temp, 3, complete: false);          // killed while saving (a folder an older version wrote in place)
        File.WriteAllText(Path.Combine(two, "optimizer.safetensors.tmp-1-ab"), "half"); // checkpoint-2 is not whole either
        Assert.Equal(one, CheckpointFolders.ResolveResume(temp.File("run")));
        Assert.Equal(one, CheckpointFolders.LatestComplete(temp.File("run")));
        Assert.Contains("optimizer.safetensors.tmp-1-ab", CheckpointFolders.Incomplete(two));
    }

    /// <summary>
    /// save_total_limit's deletion killed half way (found by the SIGKILL test, seed 2: checkpoint-1 kept its
    /// trainer_state.json but had lost optimizer.safetensors, so it looked complete and a resume failed on it): the folder
    /// is renamed before anything in it is removed, so what a kill leaves is a temporary name, never a checkpoint-N.
    /// </summary>
    [Fact]
    public void ARotationKilledMidDeleteLeavesNoHalfCheckpoint()
    {
        using var temp = new TempDir();
        string one = Checkpoint(temp, 1, complete: true);
        string two = Checkpoint(temp, 2, complete: true);
        string three = Checkpoint(temp, 3, complete: true);
        var killed = new IOException("killed during the deletion");
        using (AtomicFile.InjectFaults(path => path.Contains("checkpoint-1" + AtomicFile.TemporaryMarker) ? killed : null))
            Assert.Same(killed, Assert.Throws<IOException>(() => CheckpointRotation.Rotate(temp.File("run"), 2, null, false)));
        Assert.False(Directory.Exists(one));
        Assert.Equal([two, three], CheckpointRotation.Sorted(temp.File("run")));
        string leftover = Assert.Single(Directory.GetDirectories(temp.File("run"), "checkpoint-1" + AtomicFile.TemporaryMarker + "*"));
        Assert.True(File.Exists(Path.Combine(leftover, TrainerState.FileName))); // the files were still there when it died
        Assert.Equal([leftover], CheckpointFolders.CleanLeftovers(temp.File("run")));
        Assert.Equal([two, three], Directory.GetDirectories(temp.File("run")).Order());
    }

    [Fact]
    public void ResumeErrorsNameOnlyCheckpointsThatExistAndAreComplete()
    {
        using var temp = new TempDir();
        string one = Checkpoint(temp, 1, complete: true);
        string broken = Checkpoint(temp, 2, complete: false);

        var e = Assert.Throws<TrainingException>(() => CheckpointFolders.ResolveResume(broken));
        Assert.Contains("not a complete checkpoint", e.Message);
        Assert.Contains(TrainerState.FileName, e.Message);
        Assert.Contains($"the newest complete checkpoint is {one}", e.Message);

        string nope = temp.File("runs/nope");
        e = Assert.Throws<TrainingException>(() => CheckpointFolders.ResolveResume(nope));
        Assert.Contains("no such folder", e.Message);
        Assert.DoesNotContain("checkpoint is", e.Message);

        Directory.CreateDirectory(temp.File("empty-run"));
        e = Assert.Throws<TrainingException>(() => CheckpointFolders.ResolveResume(temp.File("empty-run")));
        Assert.Contains("holds no complete checkpoint-N", e.Message);
    }

    [Fact]
    public void LeftoversOfInterruptedSavesAreRemovedAndNothingElse()
    {
        using var temp = new TempDir();
        string complete = Checkpoint(temp, 1, complete: true);
        string run = temp.File("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoint-2.tmp-77-0123"));
        File.WriteAllText(Path.Combine(run, "checkpoint-2.tmp-77-0123", "model.safetensors"), "x");
        File.WriteAllText(Path.Combine(run, "metrics.jsonl.tmp-77-99"), "x");
        File.WriteAllText(Path.Combine(complete, "model.safetensors.tmp-77-98"), "x");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");

        var removed = CheckpointFolders.CleanLeftovers(run).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["checkpoint-2.tmp-77-0123", "metrics.jsonl.tmp-77-99", "model.safetensors.tmp-77-98"], removed);
        Assert.True(File.Exists(Path.Combine(run, "notes.txt")));
        Assert.True(CheckpointFolders.IsComplete(complete));
    }

    [Fact]
    public void AFolderWrittenWholeIsAbsentWhenTheWriteFails()
    {
        using var temp = new TempDir();
        string dir = temp.File("run/checkpoint-4");
        using (AtomicFile.InjectFaults(path => path.EndsWith("b.json", StringComparison.Ordinal) ? StorageErrors.DiskFull(path) : null))
        {
            var e = Assert.Throws<StorageException>(() => CheckpointFolders.WriteWhole(dir, tmp =>
            {
                AtomicFile.WriteAllText(Path.Combine(tmp, "a.json"), "{}");
                AtomicFile.WriteAllText(Path.Combine(tmp, "b.json"), "{}");
            }));
            Assert.Contains("no space left on the device", e.Message);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.File("run")));

        // a folder of the same name (a resumed run saving that step again) is replaced whole
        CheckpointFolders.WriteWhole(dir, tmp => File.WriteAllText(Path.Combine(tmp, "old"), "1"));
        CheckpointFolders.WriteWhole(dir, tmp => File.WriteAllText(Path.Combine(tmp, "new"), "2"));
        Assert.Equal(["new"], Directory.EnumerateFiles(dir).Select(Path.GetFileName));
        Assert.Equal(["checkpoint-4"], Directory.EnumerateFileSystemEntries(temp.File("run")).Select(Path.GetFileName));
    }
}
