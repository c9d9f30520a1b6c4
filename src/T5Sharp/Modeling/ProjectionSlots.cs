using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>The shared part of <see cref="IProjectionHost"/>: name checks and re-registration of a swapped slot.</summary>
internal static class ProjectionSlots
{
    public static ArgumentException Unknown(string owner, string name, IReadOnlyList<string> names) =>
        new($"{owner} has no projection '{name}' (it has {string.Join(", ", names)})");

    /// <summary>
    /// Replaces the registered submodule <paramref name="name"/> of <paramref name="parent"/>. TorchSharp refuses to
    /// register a name twice, so the old entry is dropped first; the field itself is assigned by the caller.
    /// </summary>
    public static void Reregister(nn.Module parent, string name, nn.Module<Tensor, Tensor> module)
    {
        parent.register_module(name, null!);
        parent.register_module(name, module);
    }
}
