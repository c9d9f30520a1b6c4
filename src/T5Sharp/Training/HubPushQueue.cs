using T5Sharp.Hub;

namespace T5Sharp.Training;

/// <summary>
/// Pushes a training run to the Hub the way HF's Trainer does with push_to_hub, but on a background task so that a slow
/// upload never stalls training. A trainer calls <see cref="OnSave"/> after each checkpoint and <see cref="OnTrainEndAsync"/>
/// at the end. hub_strategy: "every_save" pushes the checkpoint's model (not its optimizer/RNG/trainer state) to the repo
/// root at each save; "checkpoint" also pushes the whole checkpoint to last-checkpoint/ (so a run can resume from the
/// Hub); "all_checkpoints" pushes each checkpoint to its own checkpoint-N/ folder; "end" pushes only at the end. Pushes
/// run one at a time, in order; a save that comes while a push still runs is skipped unless hub_always_push, as in HF.
/// A failed push is reported (<see cref="Reports"/>, the callback), never thrown into the training loop.
/// </summary>
public sealed class HubPushQueue
{
    /// <summary>Files of a checkpoint that only resume a run; the model pushed to the repo root leaves them out.</summary>
    public static readonly IReadOnlyList<string> ResumeStateFiles =
        [TrainerCheckpoint.OptimizerFile, TrainerCheckpoint.RngStateFile, TrainingProgress.FileName, TrainerState.FileName];

    readonly HubUploader uploader;
    readonly bool isPrivate;
    readonly bool alwaysPush;
    readonly Action<HubPushReport>? onReport;
    readonly object gate = new();
    readonly List<HubPushReport> reports = [];
    Task tail = Task.CompletedTask;

    public HubPushQueue(HubUploader uploader, HubRepoId repo, string strategy, bool isPrivate = false, bool alwaysPush = false,
        Action<HubPushReport>? onReport = null)
    {
        if (!TrainingArguments.HubStrategies.Contains(strategy))
            throw new TrainingException($"training argument hub_strategy must be one of {string.Join(", ", TrainingArguments.HubStrategies)}, found {strategy}");
        this.uploader = uploader;
        Repo = repo;
        Strategy = strategy;
        this.isPrivate = isPrivate;
        this.alwaysPush = alwaysPush;
        this.onReport = onReport;
    }

    /// <summary>The queue a run's arguments ask for, or null without push_to_hub. hub_token overrides HF_TOKEN.</summary>
    public static HubPushQueue? FromArguments(TrainingArguments args, HubOptions? options = null, Action<HubPushReport>? onReport = null)
    {
        if (!args.PushToHub) return null;
        options ??= HubOptions.FromEnvironment();
        if (args.HubToken != null) options = options with { Token = args.HubToken };
        // HF's default repo name is the output folder's name, under the token's user.
        string id = args.HubModelId ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(args.OutputDir)));
        return new HubPushQueue(new HubUploader(options), new HubRepoId(id, HubRepoType.Model), args.HubStrategy,
            args.HubPrivateRepo ?? false, args.HubAlwaysPush, onReport);
    }

    /// <summary>The repository pushed to; a name without a namespace becomes owner/name once <see cref="CreateRepoAsync"/> ran.</summary>
    public HubRepoId Repo { get; private set; }
    public string Strategy { get; }

    public IReadOnlyList<HubPushReport> Reports
    {
        get { lock (gate) return [.. reports]; }
    }

    /// <summary>Creates the repo now (HF does it when the trainer is built), so a missing or read-only token fails before training.</summary>
    public async Task<HubRepoId> CreateRepoAsync(CancellationToken ct = default) =>
        Repo = await uploader.CreateRepoAsync(Repo, isPrivate, ct).ConfigureAwait(false);

    /// <summary>Called after checkpoint <paramref name="checkpointDir"/> of step <paramref name="step"/> was written; returns at once.</summary>
    /// <returns>Whether a push was queued (false under "end", or when the previous push still runs).</returns>
    public bool OnSave(string checkpointDir, long step)
    {
        if (Strategy == "end") return false;
        string message = $"Training in progress, step {step}";
        lock (gate)
        {
            if (!alwaysPush && !tail.IsCompleted)
            {
                Report(new HubPushReport(message, checkpointDir, "", step) { Skipped = true });
                return false;
            }
            var pushes = new List<(string Folder, string PathInRepo, string Message, string[] Exclude)>
            {
                (checkpointDir, "", message, [.. ResumeStateFiles, .. PerRankRngStates(checkpointDir)]),
            };
            if (Strategy == "checkpoint") pushes.Add((checkpointDir, "last-checkpoint", message + ", checkpoint", []));
            if (Strategy == "all_checkpoints") pushes.Add((checkpointDir, Path.GetFileName(Path.TrimEndingDirectorySeparator(checkpointDir)), message + ", checkpoint", []));
            Enqueue(pushes, step);
            return true;
        }
    }

    /// <summary>
    /// Called once training ended and <paramref name="finalDir"/> holds the final model: waits for the pushes under way,
    /// pushes the final folder to the repo root (never skipped, under every strategy), and returns every report of the run.
    /// </summary>
    public async Task<IReadOnlyList<HubPushReport>> OnTrainEndAsync(string finalDir)
    {
        Task last;
        lock (gate)
        {
            Enqueue([(finalDir, "", "End of training", ["_*", CheckpointRotation.Prefix + "*"])], null);
            last = tail;
        }
        await last.ConfigureAwait(false);
        return Reports;
    }

    /// <summary>Waits until every queued push has finished (successfully or not).</summary>
    public Task WaitAsync()
    {
        lock (gate) return tail;
    }

    /// <summary>A distributed run's rng_state_{rank} files (resume state too), as found in the checkpoint.</summary>
    static IEnumerable<string> PerRankRngStates(string checkpointDir) => Directory.Exists(checkpointDir)
        ? Directory.EnumerateFiles(checkpointDir, "rng_state_*.safetensors").Select(f => Path.GetFileName(f)!)
        : [];

    void Enqueue(List<(string Folder, string PathInRepo, string Message, string[] Exclude)> pushes, long? step)
    {
        var previous = tail;
        tail = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);   // never faults: every push catches its own failure
            foreach (var p in pushes) await PushAsync(p.Folder, p.PathInRepo, p.Message, p.Exclude, step).ConfigureAwait(false);
        });
    }

    async Task PushAsync(string folder, string pathInRepo, string message, string[] exclude, long? step)
    {
        var report = new HubPushReport(message, folder, pathInRepo, step);
        try
        {
            var files = UploadFileSelection.FromFolder(folder, exclude: exclude, pathInRepo: pathInRepo);
            var result = await uploader.PushAsync(new HubPushRequest(Repo, files) { CommitMessage = message, Private = isPrivate }).ConfigureAwait(false);
            Repo = result.Repo.WithRevision(Repo.Revision);
            report = report with { Result = result };
        }
        catch (Exception e)
        {
            // A background push must not take the run down: report it; the files are still on disk to push later.
            report = report with { Error = e is HubException or IOException or UnauthorizedAccessException ? e.Message : $"{e.GetType().Name}: {e.Message}" };
        }
        Report(report);
    }

    void Report(HubPushReport report)
    {
        lock (gate) reports.Add(report);
        onReport?.Invoke(report);
    }
}
