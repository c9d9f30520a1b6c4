using System.CommandLine;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `--dtype auto|float32|bfloat16|config`: the compute type a verb loads its model in (transformers' torch_dtype).
/// auto = bfloat16 where the CPU has AMX, float32 elsewhere; config = config.json's torch_dtype (transformers'
/// torch_dtype="auto"). The default stays float32: bf16 is slower than float32 on a CPU without AMX.
/// </summary>
public static class DTypeOption
{
    public static Option<string> Create() => new("--dtype")
    {
        Description = "Compute type: float32, bfloat16 (matmuls in bf16; norms, residuals and scores in float32), " +
                      "auto (bfloat16 where the CPU has AMX, else float32) or config (config.json's torch_dtype).",
        DefaultValueFactory = _ => "float32",
    };

    /// <summary>The load options --dtype asks for; an unknown name or bf16 on a CPU without bf16 is an ArgumentException (exit 2).</summary>
    public static PretrainedLoadOptions LoadOptions(ParseResult parse, Option<string> option)
    {
        string name = parse.GetValue(option)!;
        return name.Trim().Equals("config", StringComparison.OrdinalIgnoreCase)
            ? new PretrainedLoadOptions { ComputeTypeFromConfig = true }
            : new PretrainedLoadOptions { ComputeType = ComputeTypes.Resolve(name, CpuFeatures.Current) };
    }
}
