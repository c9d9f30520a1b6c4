using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Peft;

/// <summary>
/// peft's lora_A / lora_B ModuleDict: one linear per adapter, registered under the adapter's name so parameters are
/// named <c>lora_A.&lt;adapter&gt;.weight</c>. Adapters come and go after construction, hence explicit registration.
/// </summary>
public sealed class LoraAdapterModules : nn.Module
{
    readonly Dictionary<string, Linear> _items = new();

    public LoraAdapterModules() : base("ModuleDict") { }

    public Linear this[string adapter] => _items.TryGetValue(adapter, out var m) ? m
        : throw new PeftException($"no adapter '{adapter}' on this layer (it has {string.Join(", ", _items.Keys)})");

    public void Add(string adapter, Linear module)
    {
        if (adapter.Contains('.') || adapter.Length == 0)
            throw new PeftException($"adapter name '{adapter}' must be non-empty and contain no '.'");
        _items.Add(adapter, module);
        register_module(adapter, module);
    }

    public void Remove(string adapter)
    {
        if (!_items.Remove(adapter, out var module)) return;
        register_module(adapter, null!); // TorchSharp drops a name registered with null
        module.Dispose();
    }
}
