using T5Sharp.Formats;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// A resumable checkpoint folder, laid out like HF's checkpoint-N: the model folder (config.json, model.safetensors),
/// optimizer.safetensors (every moment and step count), rng_state.safetensors (torch's CPU generator, for dropout),
/// trainer_state.json, training_progress.json (scheduler + loss accumulators) and training_args.json, plus the
/// generation config and tokenizer files when given. Every file is
/// written atomically.
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
        ICheckpointWeights? weights = null)
    {
        Directory.CreateDirectory(dir);
        (weights ?? new FullModelWeights(model, generationConfigJson, tokenizerSourceDir)).Save(dir);
        var optimizerState = optimizer.StateDict();
        try
        {
            SafeTensors.Save(Path.Combine(dir, OptimizerFile), optimizerState.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }
        finally
        {
            foreach (var t in optimizerState.Values) t.Dispose();
        }
        using (var rng = torch.random.get_rng_state())
            SafeTensors.Save(Path.Combine(dir, RngStateFile), [new(CpuRngKey, rng)]);
        args.Save(Path.Combine(dir, ArgumentsFile));
        progress.Save(Path.Combine(dir, TrainingProgress.FileName));
        // trainer_state.json last: its presence marks a complete checkpoint
        state.Save(Path.Combine(dir, TrainerState.FileName));
    }

    /// <summary>Loads weights, optimizer state and RNG state in place; returns the saved trainer state and progress.</summary>
    public static (TrainerState State, TrainingProgress Progress) Load(string dir, T5ForConditionalGeneration model,
        ITrainingOptimizer optimizer, ICheckpointWeights? weights = null)
    {
        if (!Directory.Exists(dir)) throw new TrainingException($"{dir}: checkpoint folder not found");
        var state = TrainerState.Load(Path.Combine(dir, TrainerState.FileName));
        var progress = TrainingProgress.Load(Path.Combine(dir, TrainingProgress.FileName));

        (weights ?? new FullModelWeights(model, null, null)).Load(dir);

        string optimizerPath = Path.Combine(dir, OptimizerFile);
        var optimizerState = ReadTensors(optimizerPath);
        try { optimizer.LoadStateDict(optimizerState, optimizerPath); }
        finally { foreach (var t in optimizerState.Values) t.Dispose(); }

        string rngPath = Path.Combine(dir, RngStateFile);
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

    static Dictionary<string, Tensor> ReadTensors(string path)
    {
        if (!File.Exists(path)) throw new TrainingException($"{path}: file not found");
        return SafeTensors.Load(path);
    }
}
