using T5Sharp.Distributed;
using T5Sharp.Formats;
using T5Sharp.Generation;
using T5Sharp.Peft;
using T5Sharp.Pretrained;
using TorchSharp;

namespace T5Sharp.Training;

/// <summary>
/// What <see cref="RunOptions"/> and a loaded model give a <see cref="Seq2SeqTrainer"/> for a whole run: the data read
/// and tokenized at once (data errors surface before any training), the LoRA adapter when the <c>lora</c> option asks
/// for one, what checkpoints store (the model folder, or the adapter in peft's layout), the epoch batches, the
/// evaluator, and the run folder's own files (<c>run.json</c>, <c>final/</c>).
/// </summary>
internal sealed class RunSetup
{
    RunSetup(RunOptions options, PretrainedT5 pretrained)
    {
        Options = options;
        Pretrained = pretrained;
        Data = RunData.Load(options, pretrained.Tokenizer);
        // the adapter draws its initial weights from the run's seed, as transformers' example scripts call set_seed(seed)
        // before building the model and peft's get_peft_model (the trainer seeds again at construction, as Trainer() does).
        // Unseeded, two runs of the same options started from different adapters, and so did the ranks of an MPI run.
        if (options.Lora is { } spec)
        {
            torch.random.manual_seed(options.Training.Seed);
            MixedPrecision.PrepareLoraBase(pretrained.Model, options.Training);
            Lora = LoraModel.Create(pretrained.Model, LoraSpec.Parse(spec, "lora"));
        }
        Weights = Lora is null
            ? new FullModelWeights(pretrained.Model, pretrained.GenerationConfigJson, pretrained.Directory)
            : new LoraAdapterWeights(Lora, options.Model);
        var world = DistributedWorld.Current;
        IsMain = world.IsMain;
        Batches = new EpochBatches(Data.Train, options.Training, options.Shuffle, options.PadToMultipleOf, world.Rank, world.WorldSize);
    }

    public static RunSetup Create(RunOptions options, PretrainedT5 pretrained) => new(options, pretrained);

    public RunOptions Options { get; }
    public PretrainedT5 Pretrained { get; }
    public RunData Data { get; }
    public LoraModel? Lora { get; }
    public ICheckpointWeights Weights { get; }
    public EpochBatches Batches { get; }
    /// <summary>Whether this process writes the run's files (rank 0 of a distributed run; a plain run always).</summary>
    public bool IsMain { get; }

    /// <summary>
    /// The callbacks a run folder needs besides HF's default flow: metrics.jsonl, TensorBoard, early stopping and push_to_hub when asked
    /// for (the push with the environment's Hub settings, unless <paramref name="given"/> brings its own push callback).
    /// Ranks other than 0 of a distributed run write nothing: they get early stopping (which steers) and the given ones.
    /// </summary>
    public IEnumerable<ITrainerCallback> Callbacks(IReadOnlyList<ITrainerCallback> given)
    {
        if (!IsMain)
        {
            if (Options.EarlyStoppingPatience is int rankPatience) yield return new EarlyStoppingCallback(rankPatience, Options.EarlyStoppingThreshold);
            foreach (var callback in given) yield return callback;
            yield break;
        }
        yield return new MetricsLogCallback(Path.Combine(Options.Training.OutputDir, MetricsLog.FileName));
        if (Options.Training.ReportsToTensorBoard)
        {
            // resolved once and kept in the arguments, so run.json and the args text name the folder the events went to
            Options.Training.LoggingDir ??= TensorBoardCallback.DefaultLogDir(Options.Training.OutputDir, DateTime.Now, System.Net.Dns.GetHostName());
            yield return new TensorBoardCallback(Options.Training.LoggingDir, Pretrained.Model.Config.ToJson());
        }
        if (Options.EarlyStoppingPatience is int patience) yield return new EarlyStoppingCallback(patience, Options.EarlyStoppingThreshold);
        if (!given.OfType<HubPushCallback>().Any() &&
            HubPushCallback.FromArguments(Options.Training, Path.Combine(Options.Training.OutputDir, Seq2SeqTrainer.FinalDirName)) is { } push)
            yield return push;
        foreach (var callback in given) yield return callback;
    }

    /// <summary>
    /// Creates the run folder with run.json (the resolved options) and applies layer freezing. A folder that already
    /// holds something is refused unless the run resumes or overwrite_output_dir is true (HF's run scripts refuse the
    /// same way): a second run would overwrite final/ and metrics.jsonl, and rotation would mix the two runs'
    /// checkpoints. With overwrite_output_dir the previous run's own files (checkpoint-N/, final/, metrics.jsonl,
    /// run.json) are removed first; anything else in the folder stays.
    /// </summary>
    /// <param name="writesFiles">False on ranks other than 0 of a distributed run: they only apply the freezing.</param>
    public void Begin(bool resuming, bool writesFiles = true)
    {
        if (!writesFiles)
        {
            if (Options.Freeze.Count > 0) ParameterFreezing.Apply(Pretrained.Model, Options.Freeze);
            return;
        }
        string dir = Options.Training.OutputDir;
        if (!resuming && Directory.Exists(dir) && ExistingEntries(dir) is { Count: > 0 } existing)
        {
            if (!Options.Training.OverwriteOutputDir)
                throw new TrainingException(
                    $"{dir} is not empty ({string.Join(", ", existing.Take(4).Select(Path.GetFileName))}{(existing.Count > 4 ? ", ..." : "")}): " +
                    $"continue its run with --resume {dir}, choose another output_dir, or set overwrite_output_dir=true to replace the run in it");
            var previous = PreviousRunEntries(dir);
            foreach (var entry in previous)
            {
                if (Directory.Exists(entry)) CheckpointFolders.DeleteWhole(entry);
                else File.Delete(entry);
            }
            RemovedPreviousRun = previous;
        }
        Directory.CreateDirectory(dir);
        Options.Save(Path.Combine(dir, RunOptions.FileName));
        if (Options.Freeze.Count > 0) ParameterFreezing.Apply(Pretrained.Model, Options.Freeze);
    }

    /// <summary>What overwrite_output_dir removed of a previous run.</summary>
    public IReadOnlyList<string> RemovedPreviousRun { get; private set; } = [];

    /// <summary>
    /// What the folder holds, as HF's run scripts check it (any entry), except the model this run starts from when it
    /// lies inside (the demo writes its random init/ there before training).
    /// </summary>
    List<string> ExistingEntries(string dir)
    {
        string? model = Options.Model is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(Options.Model));
        return Directory.EnumerateFileSystemEntries(dir).Where(e => Path.GetFullPath(e) != model).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The files a run writes into its folder, as found there: what overwrite_output_dir removes.</summary>
    static List<string> PreviousRunEntries(string dir)
    {
        var entries = CheckpointRotation.Sorted(dir);
        foreach (var name in new[] { Seq2SeqTrainer.FinalDirName, MetricsLog.FileName, RunOptions.FileName })
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path) || Directory.Exists(path)) entries.Add(path);
        }
        return entries;
    }

    public TrainingEvaluator? CreateEvaluator() => Data.Eval is null ? null : new TrainingEvaluator(Data.Eval, Pretrained.Tokenizer,
        Options.Training, GenerationConfigJson.ForModel(Pretrained), Options.RougeSplitSentences, Options.PadToMultipleOf);

    /// <summary>Writes final/: the trained model (loadable by transformers) or the adapter, trainer_state.json and the model card (README.md).</summary>
    public string SaveFinal(TrainerState state)
    {
        string dir = Path.Combine(Options.Training.OutputDir, Seq2SeqTrainer.FinalDirName);
        if (Lora is null) Pretrained.Save(dir);
        else Weights.Save(dir);
        state.Save(Path.Combine(dir, TrainerState.FileName));
        AtomicFile.WriteAllText(Path.Combine(dir, ModelCard.FileName), ModelCard.ForRun(Options, state, Lora is not null));
        return dir;
    }
}
