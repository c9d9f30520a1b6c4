namespace T5Sharp.Formats;

/// <summary>A checkpoint file a user gave us is missing, malformed or doesn't fit the model. The message names the file and key.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
