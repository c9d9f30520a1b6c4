using T5Sharp.Formats;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Peft;

/// <summary>
/// Adapter folders in peft's layout — adapter_config.json, adapter_model.safetensors (keys
/// <c>base_model.model.&lt;module&gt;.lora_A.weight</c>, no adapter name), README.md — read and written so that
/// PeftModel.from_pretrained and T5Sharp read each other's adapters. This is what verbs call for <c>--adapter DIR</c>.
/// </summary>
public static class LoraAdapter
{
    public const string WeightsFile = "adapter_model.safetensors";
    public const string PickleWeightsFile = "adapter_model.bin";
    public const string ReadmeFile = "README.md";

    /// <summary>
    /// peft's PeftModel.from_pretrained / load_adapter: wraps the modules the folder's config targets and loads its
    /// weights into adapter <paramref name="adapterName"/>. The first adapter of a model becomes active. Every LoRA tensor
    /// must be in the file with its exact shape, and the file may hold nothing else; on any error the model is unchanged.
    /// With <paramref name="trainable"/> false (peft's default) the adapter is loaded for inference: nothing trains.
    /// </summary>
    public static LoraModel Load(T5ForConditionalGeneration model, string adapterDir, string adapterName = "default", bool trainable = false)
    {
        if (!Directory.Exists(adapterDir)) throw new CheckpointException($"{adapterDir}: adapter folder not found");
        var config = LoraConfig.Load(Path.Combine(adapterDir, LoraConfig.ConfigFile));
        string weightsPath = FindWeights(adapterDir);
        var tensors = CheckpointReader.ReadFile(weightsPath);
        var lora = LoraModel.For(model);
        try
        {
            lora.AddAdapter(adapterName, config);
            try
            {
                CopyIntoAdapter(lora, adapterName, tensors, weightsPath);
            }
            catch
            {
                lora.DeleteAdapter(adapterName);
                throw;
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        lora.SetInferenceMode(adapterName, !trainable);
        return lora;
    }

    /// <summary>
    /// Loads a saved adapter's weights into adapter <paramref name="adapterName"/> already injected in
    /// <paramref name="lora"/> (resuming LoRA training from a checkpoint). Same checks as <see cref="Load"/>.
    /// </summary>
    public static void LoadWeights(LoraModel lora, string adapterDir, string adapterName = "default")
    {
        if (!Directory.Exists(adapterDir)) throw new CheckpointException($"{adapterDir}: adapter folder not found");
        if (!lora.Configs.ContainsKey(adapterName))
            throw new PeftException($"no adapter named '{adapterName}' to load into (loaded: {string.Join(", ", lora.Configs.Keys)})");
        string weightsPath = FindWeights(adapterDir);
        var tensors = CheckpointReader.ReadFile(weightsPath);
        try { CopyIntoAdapter(lora, adapterName, tensors, weightsPath); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    /// <summary>
    /// peft's save_pretrained for one adapter: its LoRA tensors (and modules_to_save) under peft's keys, the config with
    /// inference_mode true, and a model card naming <paramref name="baseModelNameOrPath"/> (else the config's). Atomic per file.
    /// </summary>
    public static void Save(LoraModel lora, string adapterDir, string adapterName = "default", string? baseModelNameOrPath = null)
    {
        if (!lora.Configs.TryGetValue(adapterName, out var config))
            throw new PeftException($"no adapter named '{adapterName}' to save (loaded: {string.Join(", ", lora.Configs.Keys)})");
        Directory.CreateDirectory(adapterDir);
        var saved = config.Clone();
        saved.InferenceMode = true;
        if (baseModelNameOrPath is not null) saved.BaseModelNameOrPath = baseModelNameOrPath;
        SafeTensors.Save(Path.Combine(adapterDir, WeightsFile), StateDict(lora, adapterName),
            new Dictionary<string, string> { ["format"] = "pt" });
        saved.Save(Path.Combine(adapterDir, LoraConfig.ConfigFile));
        AtomicFile.WriteAllText(Path.Combine(adapterDir, ReadmeFile),
            $"---\nbase_model: {saved.BaseModelNameOrPath}\nlibrary_name: peft\n---\n\n# LoRA adapter\n\n" +
            "Written by T5Sharp in peft's format: load it with `PeftModel.from_pretrained(base_model, this_folder)`.\n");
    }

    /// <summary>peft's get_peft_model_state_dict: the adapter's tensors under the file's keys (aliases of the live parameters).</summary>
    public static Dictionary<string, Tensor> StateDict(LoraModel lora, string adapterName = "default")
    {
        var config = lora.Configs[adapterName];
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, p) in lora.Model.named_parameters())
            if (BelongsTo(lora, config, adapterName, name))
                result[LoraParameterNames.ToPeftKey(name, adapterName)] = p;
        return result;
    }

    static bool BelongsTo(LoraModel lora, LoraConfig config, string adapter, string name)
    {
        if (LoraParameterNames.AdapterOf(name) is { } owner) return owner == adapter;
        if (LoraParameterNames.IsInModules(name, config.ModulesToSave ?? [])) return true;
        bool isBias = name.EndsWith("bias", StringComparison.Ordinal);
        return isBias && (config.Bias == "all"
                          || (config.Bias == "lora_only" && lora.Layers.ContainsKey(name[..name.LastIndexOf('.')])));
    }

    static void CopyIntoAdapter(LoraModel lora, string adapter, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        var config = lora.Configs[adapter];
        var parameters = lora.Model.named_parameters()
            .Where(p => BelongsTo(lora, config, adapter, p.name))
            .ToDictionary(p => p.name, p => p.parameter);
        var byName = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in tensors)
        {
            string? name = LoraParameterNames.FromPeftKey(key, adapter);
            if (name is null || !parameters.TryGetValue(name, out var parameter))
                throw new CheckpointException($"{path}: unexpected key '{key}' (shape {Shape(tensor.shape)}): the adapter's " +
                                              "config targets no such module, or the key lacks peft's 'base_model.model.' prefix");
            if (!tensor.shape.SequenceEqual(parameter.shape))
                throw new CheckpointException($"{path}: key '{key}' has shape {Shape(tensor.shape)}, but r and the base model " +
                                              $"give {Shape(parameter.shape)}");
            byName[name] = tensor;
        }
        foreach (var (name, parameter) in parameters)
            if (!byName.ContainsKey(name))
                throw new CheckpointException($"{path}: missing key '{LoraParameterNames.ToPeftKey(name, adapter)}' " +
                                              $"(expected shape {Shape(parameter.shape)})");
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters) parameter.copy_(byName[name]);
    }

    static string FindWeights(string dir)
    {
        foreach (var file in new[] { WeightsFile, PickleWeightsFile })
            if (File.Exists(Path.Combine(dir, file))) return Path.Combine(dir, file);
        throw new CheckpointException($"{dir}: no adapter weights (expected {WeightsFile} or {PickleWeightsFile})");
    }

    static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
