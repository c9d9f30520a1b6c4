using TorchSharp.Modules;

namespace T5Sharp.Training;

/// <summary>
/// A torch optimizer param group: named parameters sharing a weight decay and a learning rate. <see cref="LearningRate"/>
/// is what the next optimizer step uses (the scheduler sets it); <see cref="InitialLearningRate"/> is its base value.
/// </summary>
public sealed class ParameterGroup
{
    public ParameterGroup(IReadOnlyList<(string Name, Parameter Parameter)> parameters, double weightDecay, double learningRate)
    {
        Parameters = parameters;
        WeightDecay = weightDecay;
        LearningRate = learningRate;
        InitialLearningRate = learningRate;
    }

    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }
    public double WeightDecay { get; }
    public double LearningRate { get; set; }
    public double InitialLearningRate { get; }
}
