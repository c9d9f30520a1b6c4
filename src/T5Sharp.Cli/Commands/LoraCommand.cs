using System.CommandLine;
using T5Sharp.Peft;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp lora merge` (adapter folded into a plain model folder) and `t5sharp lora info` (config and counts).</summary>
public static class LoraCommand
{
    public static Command Create()
    {
        var command = new Command("lora", "LoRA adapters in peft's format: merge one into a model, or describe one.");
        command.Subcommands.Add(Merge());
        command.Subcommands.Add(Info());
        return command;
    }

    static Command Merge()
    {
        var model = new Option<string>("--model") { Description = "The base Hugging Face T5 model folder.", Required = true };
        var adapter = new Option<string>("--adapter") { Description = "A peft LoRA adapter folder.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the merged, plain model.", Required = true };
        var command = new Command("merge", "Merge a LoRA adapter into the base weights and save a plain model folder (peft's merge_and_unload).")
            { model, adapter, output };
        command.SetAction(parse =>
        {
            using var pretrained = PretrainedT5.Load(Downloads.Paths.Model(parse.GetValue(model)!));
            var lora = LoraAdapter.Load(pretrained.Model, parse.GetValue(adapter)!);
            int layers = lora.Layers.Count;
            lora.MergeAndUnload();
            pretrained.Save(parse.GetValue(output)!);
            Console.WriteLine($"merged {layers} LoRA layers into {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    static Command Info()
    {
        var adapter = new Option<string>("--adapter") { Description = "A peft LoRA adapter folder.", Required = true };
        var model = new Option<string?>("--model") { Description = "Base model folder; with it, the trainable report is computed on the real model." };
        var command = new Command("info", "Show a LoRA adapter's configuration, tensors and (with --model) peft's trainable-parameter report.")
            { adapter, model };
        command.SetAction(parse =>
        {
            Describe(parse.GetValue(adapter)!, parse.GetValue(model) is { } m ? Downloads.Paths.Model(m) : null);
            return 0;
        });
        return command;
    }

    /// <summary>Prints an adapter's config and tensors, and with a base model folder peft's trainable-parameter line.</summary>
    internal static void Describe(string dir, string? modelDir)
    {
        var d = LoraAdapterDescription.Read(dir, modelDir);
        var config = d.Config;
        Console.WriteLine($"adapter folder  {d.Directory}");
        Console.WriteLine($"base model      {config.BaseModelNameOrPath ?? "(not recorded)"}");
        Console.WriteLine($"rank / alpha    r {config.R}, lora_alpha {config.LoraAlpha}, scaling {d.Scaling:G4}" +
                          (config.UseRslora ? " (rsLoRA)" : ""));
        Console.WriteLine($"dropout         {config.LoraDropout}");
        Console.WriteLine($"targets         {config.TargetModulesRegex ?? string.Join(", ", config.EffectiveTargets)}");
        if (config.ModulesToSave is { Count: > 0 } saved) Console.WriteLine($"modules_to_save {string.Join(", ", saved)}");
        if (config.RankPattern.Count + config.AlphaPattern.Count > 0)
            Console.WriteLine($"patterns        rank {string.Join(", ", config.RankPattern.Select(kv => $"{kv.Key}={kv.Value}"))}; " +
                              $"alpha {string.Join(", ", config.AlphaPattern.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Console.WriteLine($"tensors         {d.TensorCount}, {d.ParameterCount:N0} parameters");
        if (d.Trainable is { } trainable) Console.WriteLine(trainable.ToString());
    }
}
