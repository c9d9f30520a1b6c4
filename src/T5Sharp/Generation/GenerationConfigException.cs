namespace T5Sharp.Generation;

/// <summary>
/// A generation setting a user gave is invalid (bad value, unknown preset, malformed generation_config.json). An
/// ArgumentException, so that every front end reports it as a user error.
/// </summary>
public sealed class GenerationConfigException(string message, Exception? inner = null) : ArgumentException(message, inner);
