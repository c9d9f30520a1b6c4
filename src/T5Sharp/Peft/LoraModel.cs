using System.Runtime.CompilerServices;
using T5Sharp.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Peft;

/// <summary>
/// LoRA adapters on one T5 model (peft's LoraModel): injection, several named adapters with switching, merge/unmerge,
/// merge_and_unload, and exactly which parameters train. The model is changed in place (its projections are wrapped in
/// <see cref="LoraLinear"/>); <see cref="For"/> finds the LoRA state of a model again, so verbs can stack adapters.
/// </summary>
public sealed class LoraModel
{
    static readonly ConditionalWeakTable<T5ForConditionalGeneration, LoraModel> Attached = new();

    readonly Dictionary<string, LoraConfig> _configs = new();
    readonly Dictionary<string, LoraLinear> _layers = new(); // module name → wrapped layer
    readonly HashSet<string> _inferenceOnly = new(); // adapters loaded for inference: never trainable
    List<string> _active = [];
    bool _enabled = true;

    LoraModel(T5ForConditionalGeneration model) => Model = model;

    public T5ForConditionalGeneration Model { get; }
    public IReadOnlyDictionary<string, LoraConfig> Configs => _configs;
    public IReadOnlyList<string> ActiveAdapters => _active;
    public IReadOnlyDictionary<string, LoraLinear> Layers => _layers;
    public bool AdaptersEnabled => _enabled;

    /// <summary>The LoRA state attached to <paramref name="model"/>, created (empty) on first use.</summary>
    public static LoraModel For(T5ForConditionalGeneration model) => Attached.GetValue(model, m => new LoraModel(m));

    /// <summary>peft's get_peft_model: a model with one fresh adapter, active and trainable (base frozen).</summary>
    public static LoraModel Create(T5ForConditionalGeneration model, LoraConfig config, string adapterName = "default")
    {
        var lora = For(model);
        lora.AddAdapter(adapterName, config);
        lora.SetAdapter(adapterName);
        return lora;
    }

    /// <summary>
    /// Wraps every module the config targets (peft's inject_adapter) and adds a fresh adapter to it. The first adapter
    /// becomes active; later ones wait for <see cref="SetAdapter"/>.
    /// </summary>
    public void AddAdapter(string name, LoraConfig config)
    {
        config.Validate($"LoRA adapter '{name}'");
        if (_configs.ContainsKey(name)) throw new PeftException($"adapter '{name}' already exists on this model");
        var targets = new List<(IProjectionHost Host, string Slot, string Key)>();
        foreach (var (moduleName, module) in Model.named_modules())
            if (module is IProjectionHost host)
                foreach (var slot in host.ProjectionNames)
                {
                    string key = moduleName + "." + slot;
                    if (LoraTargetMatcher.IsTarget(config, key)) targets.Add((host, slot, key));
                }
        if (targets.Count == 0)
            throw new PeftException($"LoRA adapter '{name}': target modules {Describe(config)} not found in the base model " +
                                    "(T5's linear layers are q, k, v, o, wi / wi_0, wi_1, wo)");
        if (config.ModulesToSave is { } saved)
            foreach (var m in saved)
                if (!Model.named_modules().Any(x => x.name == m || x.name.EndsWith("." + m, StringComparison.Ordinal)))
                    throw new PeftException($"LoRA adapter '{name}': modules_to_save entry '{m}' names no module of the model");

        foreach (var (host, slot, key) in targets)
        {
            if (!_layers.TryGetValue(key, out var layer))
            {
                var current = host.GetProjection(slot);
                layer = current as LoraLinear ?? new LoraLinear(current as Linear
                    ?? throw new PeftException($"{key} is a {current.GetType().Name}, not a linear layer LoRA can wrap"));
                host.SetProjection(slot, layer);
                _layers[key] = layer;
            }
            var (rank, alpha) = LoraTargetMatcher.RankAndAlpha(config, key);
            layer.AddAdapter(name, rank, config.Scaling(rank, alpha), config.LoraDropout, config.InitLoraWeights);
        }
        _configs[name] = config;
        if (_active.Count == 0) SetAdapter(name);
        else UpdateTrainable();
    }

    /// <summary>peft's set_adapter: these adapters run in forward and train; every other parameter is frozen.</summary>
    public void SetAdapter(params string[] names)
    {
        foreach (var n in names)
            if (!_configs.ContainsKey(n)) throw UnknownAdapter(n);
        if (_layers.Values.Any(l => l.IsMerged))
            throw new PeftException("an adapter is merged into the weights; unmerge before switching adapters");
        _active = names.ToList();
        foreach (var layer in _layers.Values) layer.ActiveAdapters = _enabled ? _active : [];
        UpdateTrainable();
    }

    /// <summary>peft's disable_adapter: forward uses the base weights only (merged adapters are unmerged first).</summary>
    public void DisableAdapters()
    {
        Unmerge();
        _enabled = false;
        foreach (var layer in _layers.Values) layer.ActiveAdapters = [];
    }

    public void EnableAdapters()
    {
        _enabled = true;
        foreach (var layer in _layers.Values) layer.ActiveAdapters = _active;
    }

    public void DeleteAdapter(string name)
    {
        if (!_configs.Remove(name)) throw UnknownAdapter(name);
        foreach (var layer in _layers.Values) layer.DeleteAdapter(name);
        _active.Remove(name);
        _inferenceOnly.Remove(name);
        UpdateTrainable();
    }

    /// <summary>peft's merge_adapter: adds the active adapters' B·A·scaling into the base weights.</summary>
    public void Merge()
    {
        if (!_enabled) throw new PeftException("adapters are disabled; enable them before merging");
        foreach (var layer in _layers.Values)
            foreach (var adapter in _active) layer.Merge(adapter);
    }

    /// <summary>peft's unmerge_adapter: subtracts every merged adapter again.</summary>
    public void Unmerge()
    {
        foreach (var layer in _layers.Values) layer.Unmerge();
    }

    /// <summary>
    /// peft's merge_and_unload: merges the active adapters, puts plain linear layers back and forgets every adapter.
    /// The returned model (the same object) has HF's keys only and saves as an ordinary model folder.
    /// </summary>
    public T5ForConditionalGeneration MergeAndUnload()
    {
        Merge();
        return Unload();
    }

    /// <summary>peft's unload: plain layers back without merging (merged adapters stay merged in the weights).</summary>
    public T5ForConditionalGeneration Unload()
    {
        foreach (var (moduleName, module) in Model.named_modules().ToList())
            if (module is IProjectionHost host)
                foreach (var slot in host.ProjectionNames)
                    if (host.GetProjection(slot) is LoraLinear layer)
                    {
                        host.SetProjection(slot, layer.Unwrap());
                        layer.ReleaseAdapters();
                    }
        _layers.Clear();
        _configs.Clear();
        _inferenceOnly.Clear();
        _active = [];
        Attached.Remove(Model);
        foreach (var p in Model.parameters()) p.requires_grad = true;
        return Model;
    }

    /// <summary>The parameters an optimizer should see, with the model's names (lora_A/lora_B of the active adapters, modules_to_save, biases as bias says).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        Model.named_parameters().Where(p => p.parameter.requires_grad).ToList();

    /// <summary>peft's get_nb_trainable_parameters; ToString() is print_trainable_parameters' line.</summary>
    public TrainableParameterCount CountParameters()
    {
        long trainable = 0, all = 0;
        foreach (var (_, p) in Model.named_parameters())
        {
            all += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return new TrainableParameterCount(trainable, all);
    }

    /// <summary>peft's inference_mode: an adapter in it is applied but never trains (PeftModel.from_pretrained's default).</summary>
    public void SetInferenceMode(string adapter, bool inferenceOnly)
    {
        if (!_configs.ContainsKey(adapter)) throw UnknownAdapter(adapter);
        if (inferenceOnly) _inferenceOnly.Add(adapter);
        else _inferenceOnly.Remove(adapter);
        UpdateTrainable();
    }

    /// <summary>peft's mark_only_lora_as_trainable + set_adapter's requires_grad rule for the active adapters.</summary>
    void UpdateTrainable()
    {
        var training = _active.Where(a => !_inferenceOnly.Contains(a)).ToList();
        var savedModules = training.SelectMany(a => _configs[a].ModulesToSave ?? []).ToList();
        var biasModes = training.Select(a => _configs[a].Bias).ToHashSet();
        foreach (var (name, p) in Model.named_parameters())
            p.requires_grad = LoraParameterNames.AdapterOf(name) is { } adapter ? training.Contains(adapter)
                : LoraParameterNames.IsInModules(name, savedModules)
                  || (name.EndsWith("bias", StringComparison.Ordinal) && biasModes.Contains("all"))
                  || (name.EndsWith("bias", StringComparison.Ordinal) && biasModes.Contains("lora_only")
                      && _layers.ContainsKey(name[..name.LastIndexOf('.')]));
    }

    static string Describe(LoraConfig c) => c.TargetModulesRegex is { } r ? $"regex '{r}'" : "[" + string.Join(", ", c.EffectiveTargets) + "]";

    PeftException UnknownAdapter(string name) => new($"no adapter named '{name}' (loaded: {(_configs.Count == 0 ? "none" : string.Join(", ", _configs.Keys))})");
}
