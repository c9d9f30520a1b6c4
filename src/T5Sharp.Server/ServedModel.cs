using T5Sharp.Generation;
using T5Sharp.Pretrained;

namespace T5Sharp.Server;

/// <summary>
/// A model the server answers under a name: the base model, or the base with one LoRA adapter applied. Each adapter is
/// its own copy of the base with the adapter injected, so a batch runs one adapter (batches are formed per model name):
/// this keeps every row exactly what `t5sharp generate --adapter` computes, at the cost of one base copy per adapter.
/// </summary>
public sealed class ServedModel(string name, PretrainedT5 pretrained, string? adapterDir)
{
    public string Name { get; } = name;
    public PretrainedT5 Pretrained { get; } = pretrained;
    public string? AdapterDir { get; } = adapterDir;
    public bool IsAdapter => AdapterDir is not null;

    /// <summary>The model's own generation settings (generation_config.json), the base every request's overrides apply to.</summary>
    public GenerationConfig Defaults { get; } = new GenerationSettings().Resolve(pretrained).Config;
}
