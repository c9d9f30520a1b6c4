using T5Sharp.Peft;
using T5Sharp.Pretrained;

namespace T5Sharp.Server;

/// <summary>The models registered at start (base first, then adapters); a request picks one by name, never by path.</summary>
public sealed class ModelRegistry : IDisposable
{
    readonly Dictionary<string, ServedModel> _byName = new(StringComparer.Ordinal);
    public List<ServedModel> All { get; } = [];
    public ServedModel Base => All[0];

    /// <param name="load">Loads the base model (once per served model: adapters get their own copy).</param>
    public static ModelRegistry Load(string baseName, Func<PretrainedT5> load, IReadOnlyList<(string Name, string Dir)> adapters)
    {
        var registry = new ModelRegistry();
        registry.Add(new ServedModel(baseName, load(), null));
        foreach (var (name, dir) in adapters)
        {
            if (registry._byName.ContainsKey(name)) throw new ArgumentException($"--adapter {name}: the name is used twice");
            var copy = load();
            LoraAdapter.Load(copy.Model, dir);
            registry.Add(new ServedModel(name, copy, dir));
        }
        foreach (var m in registry.All) m.Pretrained.Model.eval();
        return registry;
    }

    void Add(ServedModel model)
    {
        _byName[model.Name] = model;
        All.Add(model);
    }

    /// <summary>The model named (null or empty: the base); null when no model has that name.</summary>
    public ServedModel? Find(string? name) => string.IsNullOrEmpty(name) ? Base : _byName.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var m in All) m.Pretrained.Dispose();
    }
}
