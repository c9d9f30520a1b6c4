namespace T5Sharp.Training;

/// <summary>One held-out example of the demo: the model input, the reference, and what the model generated before and after training.</summary>
public sealed record DemoExample(string Source, string Reference, string Before, string After);
