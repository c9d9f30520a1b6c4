using System.CommandLine;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `--quantize none|int8`: int8 weights for decoding (fbgemm dynamic quantization of every linear layer and lm_head,
/// CTranslate2's CPU trick), next to --dtype: float32 compute only, and not with LoRA adapters (they wrap float layers).
/// </summary>
public static class QuantizeOption
{
    public static Option<string> Create() => new("--quantize")
    {
        Description = "Weight quantization for decoding: none, or int8 (int8 linear layers and lm_head, activations " +
                      "quantized per call; float32 compute only, no --adapter).",
        DefaultValueFactory = _ => "none",
    };

    /// <summary>
    /// <paramref name="load"/> with the quantization asked for; an unknown name, int8 with a non-float32 --dtype (checked
    /// at load) or int8 with adapters is an ArgumentException (exit 2).
    /// </summary>
    public static PretrainedLoadOptions Apply(ParseResult parse, Option<string> option, PretrainedLoadOptions load, bool withAdapters)
    {
        var quantization = Parse(parse.GetValue(option)!);
        if (quantization != WeightQuantization.None && withAdapters)
            throw new ArgumentException("--quantize int8 can't be combined with --adapter: LoRA wraps float32 linear layers " +
                                        "(merge the adapter into the model first, then quantize the merged model)");
        return load with { Quantization = quantization };
    }

    static WeightQuantization Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "none" => WeightQuantization.None,
        "int8" => WeightQuantization.Int8,
        _ => throw new ArgumentException($"--quantize must be none or int8, got '{name}'"),
    };
}
