using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// An optimizer over named parameter groups whose whole state (moments, step counts) can be saved as named tensors and
/// loaded back, so that a resumed run continues bit for bit.
/// </summary>
public interface ITrainingOptimizer
{
    IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>One update of every parameter that has a gradient, at each group's current learning rate.</summary>
    void Step();

    /// <summary>The state as tensors keyed "<c>{parameter name}.{state name}</c>" (copies; the caller disposes them).</summary>
    Dictionary<string, Tensor> StateDict();

    /// <summary>Restores <see cref="StateDict"/>'s output; <paramref name="source"/> names the file in error messages.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source);
}
