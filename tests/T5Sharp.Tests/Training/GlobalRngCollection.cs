namespace T5Sharp.Tests.Training;

/// <summary>Tests that depend on torch's process-wide random generator: xunit runs this collection with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "torch global RNG";
}
