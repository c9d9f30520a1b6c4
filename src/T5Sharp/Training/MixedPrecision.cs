using T5Sharp.Modeling;
using T5Sharp.Runtime;

namespace T5Sharp.Training;

/// <summary>
/// What <see cref="TrainingArguments.Bf16"/> does to a model (HF's bf16=True): full fine-tuning keeps the float32
/// master weights and turns on the model's autocast (matmuls in bf16 for each forward and backward); a LoRA run stores
/// the frozen base in bf16 once, before the adapter is attached, so the adapter is float32 (peft's autocast_adapter_dtype).
/// </summary>
public static class MixedPrecision
{
    /// <summary>
    /// Sets a trainer's model's autocast from the arguments: bf16 when they ask for bf16 and its weights are float32, off
    /// otherwise (a model an earlier bf16 trainer used then trains in float32 again).
    /// </summary>
    public static void Apply(T5ForConditionalGeneration model, TrainingArguments args)
    {
        // a model already stored in bf16 (a LoRA base) computes in bf16 without casts
        model.AutocastComputeType = args.Bf16 && model.ComputeType == ComputeType.Float32 ? ComputeType.BFloat16 : ComputeType.Float32;
    }

    /// <summary>Stores a LoRA run's frozen base in bf16 (before the adapter is created) when the arguments ask for bf16.</summary>
    public static void PrepareLoraBase(T5ForConditionalGeneration model, TrainingArguments args)
    {
        if (args.Bf16) model.UseComputeType(ComputeType.BFloat16);
    }

    /// <summary>
    /// The check a command makes before a bf16 run, with the message inference gives for --dtype bfloat16: bf16 needs
    /// a CPU with bf16 instructions (AMX-BF16 or AVX512-BF16); elsewhere libtorch would emulate it, several times slower.
    /// </summary>
    /// <exception cref="TrainingException">bf16 is asked for and <paramref name="cpu"/> has no bf16 instructions.</exception>
    public static void CheckCpu(TrainingArguments args, CpuFeatures cpu)
    {
        if (!args.Bf16) return;
        try { ComputeTypes.Resolve("bfloat16", cpu); }
        catch (ArgumentException e) { throw new TrainingException($"bf16: {e.Message}", e); }
    }
}
