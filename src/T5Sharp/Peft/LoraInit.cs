namespace T5Sharp.Peft;

/// <summary>peft's <c>init_lora_weights</c>: how a new adapter's A and B start.</summary>
public enum LoraInit
{
    /// <summary><c>true</c>: A Kaiming-uniform (a = √5, nn.Linear's default), B zero, so the adapter starts as identity.</summary>
    Default,
    /// <summary><c>"gaussian"</c>: A normal with std 1/r, B zero.</summary>
    Gaussian,
    /// <summary><c>false</c>: both A and B keep nn.Linear's random init (not identity; for tests and debugging).</summary>
    Random,
}
