using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>Reading optimizer state tensors back with one clear error per missing key or wrong shape.</summary>
static class OptimizerStateTensors
{
    /// <summary>A float32 copy of state[key], which must have <paramref name="shape"/>.</summary>
    public static Tensor Read(IReadOnlyDictionary<string, Tensor> state, string key, long[] shape, string source)
    {
        if (!state.TryGetValue(key, out var found))
            throw new TrainingException($"{source}: optimizer state key '{key}' is missing");
        if (!found.shape.SequenceEqual(shape))
            throw new TrainingException(
                $"{source}: optimizer state '{key}' has shape [{string.Join(", ", found.shape)}], expected [{string.Join(", ", shape)}]");
        // detached: optimizer state outlives whatever dispose scope the caller is in
        using var scope = NewDisposeScope();
        return found.to(ScalarType.Float32).clone().DetachFromDisposeScope();
    }

    /// <summary>An integer step count stored as a one-element int64 tensor.</summary>
    public static long ReadStep(IReadOnlyDictionary<string, Tensor> state, string key, string source)
    {
        if (!state.TryGetValue(key, out var found))
            throw new TrainingException($"{source}: optimizer state key '{key}' is missing");
        if (found.numel() != 1)
            throw new TrainingException($"{source}: optimizer state '{key}' must hold one step count, found {found.numel()} values");
        return found.to(ScalarType.Int64).item<long>();
    }

    public static Tensor Step(long step) => tensor(new[] { step }, [1], ScalarType.Int64);

    /// <summary>Every key the loaded state has that this optimizer doesn't know is an error too (a different model).</summary>
    public static void RejectUnknown(IReadOnlyDictionary<string, Tensor> state, ISet<string> known, string source)
    {
        var unknown = state.Keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is not null)
            throw new TrainingException($"{source}: optimizer state key '{unknown}' names no parameter of this model");
    }
}
