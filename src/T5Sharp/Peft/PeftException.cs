namespace T5Sharp.Peft;

/// <summary>A LoRA configuration or adapter request that can't be honoured (bad field value, unknown adapter, no target matched).</summary>
public sealed class PeftException(string message, Exception? inner = null) : ArgumentException(message, inner);
