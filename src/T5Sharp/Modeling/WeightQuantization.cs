namespace T5Sharp.Modeling;

/// <summary>How a model's linear layers store their weights for inference (<see cref="T5ForConditionalGeneration.Quantize"/>).</summary>
public enum WeightQuantization
{
    /// <summary>Weights in the compute type (float32 or bf16).</summary>
    None,
    /// <summary>int8 weights, activations quantized per call (fbgemm dynamic quantization); float32 compute only.</summary>
    Int8,
}
