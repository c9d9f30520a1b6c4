using System.CommandLine;
using T5Sharp.Peft;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>`--adapter DIR`: a peft LoRA adapter applied on top of `--model` (loaded, not merged), as PeftModel.from_pretrained does.</summary>
public static class AdapterOption
{
    public static Option<string?> Create() => new("--adapter")
    {
        Description = "A peft LoRA adapter folder (adapter_config.json + adapter_model.safetensors) to apply to the model.",
    };

    /// <summary>Injects the adapter into the loaded model; a no-op without --adapter.</summary>
    public static void Apply(ParseResult parse, Option<string?> option, PretrainedT5 pretrained)
    {
        if (parse.GetValue(option) is { } dir) LoraAdapter.Load(pretrained.Model, dir);
    }
}
