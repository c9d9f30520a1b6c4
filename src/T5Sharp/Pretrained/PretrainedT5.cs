using T5Sharp.Formats;
using T5Sharp.Hub;
using T5Sharp.Modeling;
using T5Sharp.Runtime;
using T5Sharp.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Pretrained;

/// <summary>
/// A Hugging Face T5 model folder loaded into memory: its config, the model with its weights, and its tokenizer.
/// The one entry point every verb uses, so that loading real checkpoints is the code the tests exercise.
/// </summary>
public sealed class PretrainedT5 : IDisposable
{
    PretrainedT5(string directory, T5Config config, T5ForConditionalGeneration model, T5Tokenizer tokenizer, string? generationConfigJson)
    {
        Directory = directory;
        Config = config;
        Model = model;
        Tokenizer = tokenizer;
        GenerationConfigJson = generationConfigJson;
    }

    public string Directory { get; }
    public T5Config Config { get; }
    public T5ForConditionalGeneration Model { get; }
    public T5Tokenizer Tokenizer { get; }
    /// <summary>The number format the model's matmuls compute in (<see cref="PretrainedLoadOptions.ComputeType"/>).</summary>
    public ComputeType ComputeType => Model.ComputeType;
    /// <summary>generation_config.json as found in the folder (null when absent), written back unchanged by <see cref="Save"/>.</summary>
    public string? GenerationConfigJson { get; }

    /// <summary>
    /// Reads config.json, the weights (safetensors, sharded, or pytorch_model.bin) and the tokenizer of a model folder or
    /// of a Hub model (<c>owner/name[@revision]</c>, fetched into the cache first, as from_pretrained does); the model
    /// computes in <see cref="PretrainedLoadOptions.ComputeType"/>.
    /// </summary>
    public static PretrainedT5 Load(string nameOrPath, PretrainedLoadOptions? options = null)
    {
        options ??= new PretrainedLoadOptions();
        string directory = (options.Hub ?? new HubPaths()).ModelOrPath(nameOrPath);
        if (!System.IO.Directory.Exists(directory)) throw new CheckpointException($"{directory}: model folder not found");
        string configPath = Path.Combine(directory, ModelFiles.Config);
        var config = T5Config.Load(configPath);
        var computeType = options.ComputeTypeFromConfig ? ConfigComputeType(config, configPath) : options.ComputeType;
        if (options.Quantization != WeightQuantization.None && computeType != ComputeType.Float32)
            throw new ArgumentException($"int8 quantization computes in float32; it can't be combined with {computeType.Name()}");
        var tokenizer = T5Tokenizer.FromFolder(directory);
        // (HF checks nothing here and fails deep inside the embedding at the first id past the table)
        if (tokenizer.Count > config.VocabSize)
            throw new CheckpointException($"{directory}: the tokenizer has {tokenizer.Count} tokens but {ModelFiles.Config}'s vocab_size is " +
                                          $"{config.VocabSize}, so ids from {config.VocabSize} on have no embedding: are the tokenizer files from another model?");
        var model = new T5ForConditionalGeneration(config);
        try
        {
            LoadWeights(model, directory);
            model.UseComputeType(computeType); // once, after the float32 copy: every stored dtype converts the same way
            model.Quantize(options.Quantization);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        string generationPath = Path.Combine(directory, ModelFiles.GenerationConfig);
        string? generation = File.Exists(generationPath) ? File.ReadAllText(generationPath) : null;
        return new PretrainedT5(directory, config, model, tokenizer, generation);
    }

    static ComputeType ConfigComputeType(T5Config config, string configPath)
    {
        try { return ComputeTypes.FromTorchDtype(config.TorchDtype, CpuFeatures.Current); }
        catch (ArgumentException e) { throw new CheckpointException($"{configPath}: {e.Message}"); }
    }

    /// <summary>Copies a folder's (or file's) weights into <paramref name="model"/>: safetensors, sharded or .bin, converted to float32.</summary>
    public static void LoadWeights(T5ForConditionalGeneration model, string folderOrFile)
    {
        var stateDict = CheckpointReader.ReadStateDict(folderOrFile);
        try { model.LoadStateDict(stateDict, CheckpointReader.FindWeights(folderOrFile)); }
        finally { foreach (var t in stateDict.Values) t.Dispose(); }
    }

    /// <summary>Writes this model as a complete HF folder (config, generation config, weights, tokenizer files).</summary>
    public void Save(string directory) =>
        ModelFolder.Save(directory, Config, Model.state_dict(), GenerationConfigJson, tokenizerSourceDir: Directory);

    public void Dispose() => Model.Dispose();
}
