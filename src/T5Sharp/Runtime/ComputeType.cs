namespace T5Sharp.Runtime;

/// <summary>
/// The number format a model's matmuls compute in. bfloat16 pays only where the CPU has AMX (see
/// <see cref="CpuFeatures"/>); for inference its weights are converted once (norms, residual stream and logits stay float32).
/// </summary>
public enum ComputeType
{
    Float32,
    BFloat16,
}

/// <summary>Names and the choice of a compute type.</summary>
public static class ComputeTypes
{
    /// <summary>The transformers / PyTorch name (torch_dtype).</summary>
    public static string Name(this ComputeType type) => type == ComputeType.BFloat16 ? "bfloat16" : "float32";

    /// <summary>
    /// "auto" (bfloat16 where the CPU has AMX, float32 elsewhere), "float32" or "bfloat16" (also bf16, fp32).
    /// Asking for bfloat16 on a CPU without bf16 instructions is an error that says what the CPU has.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or bfloat16 where the CPU can't compute it.</exception>
    public static ComputeType Resolve(string name, CpuFeatures cpu)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "auto":
                return cpu.AmxBf16 ? ComputeType.BFloat16 : ComputeType.Float32;
            case "float32" or "fp32" or "float":
                return ComputeType.Float32;
            case "bfloat16" or "bf16":
                if (!cpu.AmxBf16 && !cpu.Avx512Bf16)
                    throw new ArgumentException($"bfloat16 needs a CPU with AMX-BF16 or AVX512-BF16; this one has {cpu}");
                return ComputeType.BFloat16;
            default:
                throw new ArgumentException($"unknown dtype '{name}' (expected auto, float32 or bfloat16)");
        }
    }

    /// <summary>
    /// The compute type a config.json's torch_dtype asks for (transformers' torch_dtype="auto"): absent or float32 →
    /// float32, bfloat16 → bfloat16 (with <see cref="Resolve"/>'s CPU check). float16 is refused rather than mapped:
    /// T5 overflows in float16, and silently computing in another type would hide that.
    /// </summary>
    /// <exception cref="ArgumentException">float16, an unknown name, or bfloat16 where the CPU can't compute it.</exception>
    public static ComputeType FromTorchDtype(string? torchDtype, CpuFeatures cpu) => torchDtype switch
    {
        null or "float32" => ComputeType.Float32,
        "bfloat16" => Resolve("bfloat16", cpu),
        "float16" => throw new ArgumentException("torch_dtype float16: T5 overflows in float16; load it in bfloat16 or float32"),
        _ => throw new ArgumentException($"torch_dtype '{torchDtype}' is not a compute type (expected float32 or bfloat16)"),
    };
}
