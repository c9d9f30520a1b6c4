namespace T5Sharp.Training;

/// <summary>
/// Training cannot go on: a bad argument, a non-finite loss, or a checkpoint folder that doesn't fit this run.
/// The message names the argument, step or file.
/// </summary>
public sealed class TrainingException(string message, Exception? inner = null) : Exception(message, inner);
