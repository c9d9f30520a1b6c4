namespace T5Sharp.Data;

/// <summary>A data file a user gave us can't be read as asked; the message names the file, line and field.</summary>
public sealed class DataException(string message, Exception? inner = null) : Exception(message, inner);
