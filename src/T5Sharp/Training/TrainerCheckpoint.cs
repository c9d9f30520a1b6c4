using T5Sharp.Distributed;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// A resumable checkpoint folder, laid out like HF's checkpoint-N: the model folder (config.json, model.safetensors),
/// optimizer.safetensors (every moment and step count), rng_state.safetensors (torch's CPU generator, for dropout),
/// trainer_state.json, training_progress.json (scheduler + loss accumulators) and training_args.json, plus the
/// generation config and tokenizer files when given. The folder appears whole or not at all: it is written under a
/// temporary name and renamed (<see cref="CheckpointFolders.WriteWhole"/>). A run of N &gt; 1 ranks stores each rank's
/// generator as rng_state_{rank}.safetensors (transformers' rng_state_{rank}.pth): the ranks' states are gathered to
/// rank 0, which alone writes the folder, so the single-writer atomic save holds.
/// </summary>
public static class TrainerCheckpoint
{
    public const string OptimizerFile = "optimizer.safetensors";
    public const string RngStateFile = "rng_state.safetensors";
    public const string ArgumentsFile = "training_args.json";
    const string CpuRngKey = "cpu";

    /// <param name="weights">What to store of the model; by default a complete model folder (generation config,
    /// tokenizer files) so that a checkpoint loads in transformers as is.</param>
    public static void Save(string dir, T5ForConditionalGeneration model, TrainingArguments args, ITrainingOptimizer optimizer,
        TrainerState state, TrainingProgress progress, string? generationConfigJson = null, string? tokenizerSourceDir = null,
        ICheckpointWeights? weights = null, IProcessGroup? world = null)
    {
        world ??= SingleProcess.Instance;
        // every rank takes part in the gather; only rank 0 writes
        byte[][] rngStates;
        using (var rng = torch.random.get_rng_state())
            rngStates = world.AllGather(rng.data<byte>().ToArray());
        if (!world.IsMain) return;
        CheckpointFolders.WriteWhole(dir, tmp =>
        {
            (weights ?? new FullModelWeights(model, generationConfigJson, tokenizerSourceDir)).Save(tmp);
            var optimizerState = optimizer.StateDict();
            try
            {
                SafeTensors.Save(Path.Combine(tmp, OptimizerFile), optimizerState.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            }
            finally
            {
                foreach (var t in optimizerState.Values) t.Dispose();
            }
            for (int rank = 0; rank < rngStates.Length; rank++)
                using (var rng = torch.tensor(rngStates[rank], ScalarType.Byte))
                    SafeTensors.Save(Path.Combine(tmp, RngStateFileOf(rank, rngStates.Length)), [new(CpuRngKey, rng)]);
            args.Save(Path.Combine(tmp, ArgumentsFile));
            progress.Save(Path.Combine(tmp, TrainingProgress.FileName));
            // trainer_state.json last: its presence marks a complete checkpoint (also for folders written in place)
            state.Save(Path.Combine(tmp, TrainerState.FileName));
        });
    }

    /// <summary>Loads weights, optimizer state and RNG state in place; returns the saved trainer state and progress.</summary>
    public static (TrainerState State, TrainingProgress Progress) Load(string dir, T5ForConditionalGeneration model,
        ITrainingOptimizer optimizer, ICheckpointWeights? weights = null, IProcessGroup? world = null)
    {
        world ??= SingleProcess.Instance;
        if (!Directory.Exists(dir)) throw new TrainingException($"{dir}: checkpoint folder not found");
        if (CheckpointFolders.Incomplete(dir) is { } why) throw new TrainingException($"{dir}: not a complete checkpoint: {why}");
        var state = TrainerState.Load(Path.Combine(dir, TrainerState.FileName));
        var progress = TrainingProgress.Load(Path.Combine(dir, TrainingProgress.FileName));

        (weights ?? new FullModelWeights(model, null, null)).Load(dir);

        string optimizerPath = Path.Combine(dir, OptimizerFile);
        var optimizerState = ReadTensors(optimizerPath);
        try { optimizer.LoadStateDict(optimizerState, optimizerPath); }
        finally { foreach (var t in optimizerState.Values) t.Dispose(); }

        string rngPath = Path.Combine(dir, RngStateFileOf(world.Rank, world.WorldSize));
        if (!File.Exists(rngPath) && world.WorldSize > 1)
            throw new TrainingException($"{rngPath}: file not found: this checkpoint was not written by a run of {world.WorldSize} ranks " +
                                        $"(each rank resumes its own random state); resume it with as many ranks as wrote it");
        var rng = ReadTensors(rngPath);
        try
        {
            if (!rng.TryGetValue(CpuRngKey, out var cpu))
                throw new TrainingException($"{rngPath}: key '{CpuRngKey}' (torch's CPU generator state) is missing");
            torch.random.set_rng_state(cpu);
        }
        finally { foreach (var t in rng.Values) t.Dispose(); }
        return (state, progress);
    }

    /// <summary>The random-state file of <paramref name="rank"/>: rng_state.safetensors in a single process's checkpoint.</summary>
    public static string RngStateFileOf(int rank, int worldSize) => worldSize == 1 ? RngStateFile : $"rng_state_{rank}.safetensors";

    static Dictionary<string, Tensor> ReadTensors(string path)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: file not found");
        return SafeTensors.Load(path);
    }
}
