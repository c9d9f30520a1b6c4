using System.CommandLine;
using T5Sharp.Peft;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;
using T5Sharp.Training;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp info MODEL`: config summary, parameter counts and file sizes, read from headers only.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A Hugging Face T5 model folder or Hub name, or a LoRA adapter folder." };
        var adapter = AdapterOption.Create();
        var command = new Command("info", "Show a model folder's configuration, parameter count and files, or a LoRA adapter folder's (also with --adapter).") { model, adapter };
        command.SetAction(parse =>
        {
            string given = parse.GetValue(model)!;
            // An adapter folder (adapter_config.json, no config.json) is described as `lora info` does.
            if (Directory.Exists(given) && File.Exists(Path.Combine(given, LoraConfig.ConfigFile)) && !File.Exists(Path.Combine(given, "config.json")))
            {
                if (parse.GetValue(adapter) is not null) throw new ArgumentException($"{given} is an adapter folder: give the base model as the folder and the adapter with --adapter");
                LoraCommand.Describe(given, null);
                return 0;
            }
            string modelDir = Downloads.Paths.Model(given);
            var d = ModelFolder.Describe(modelDir);
            Console.WriteLine($"model folder   {d.Directory}");
            // a checkpoint-N is whole only with its trainer state (written last); a model folder only with config.json
            var incomplete = d.Incomplete.ToList();
            if (Path.GetFileName(Path.TrimEndingDirectorySeparator(d.Directory)).StartsWith(CheckpointRotation.Prefix, StringComparison.Ordinal)
                && CheckpointFolders.Incomplete(d.Directory) is { } why && !incomplete.Any(i => why.Contains(i, StringComparison.Ordinal)))
                incomplete.Add("as a checkpoint: " + why);
            foreach (var reason in incomplete) Console.WriteLine($"INCOMPLETE     {reason}");
            if (d.Config is { } c)
            {
                string family = c.IsGatedAct ? $"T5 v1.1 / FLAN ({c.FeedForwardProj})" : $"original T5 ({c.FeedForwardProj})";
                Console.WriteLine($"family         {family}, {(c.TieWordEmbeddings ? "tied" : "untied")} lm_head");
                Console.WriteLine($"layers         encoder {c.NumLayers}, decoder {c.DecoderLayers}");
                Console.WriteLine($"dimensions     d_model {c.DModel}, d_ff {c.DFf}, heads {c.NumHeads} x d_kv {c.DKv}");
                Console.WriteLine($"vocabulary     {c.VocabSize}");
                Console.WriteLine($"position bias  {c.RelativeAttentionNumBuckets} buckets, max distance {c.RelativeAttentionMaxDistance}");
                Console.WriteLine($"dropout        {c.DropoutRate}");
            }
            Console.WriteLine($"weights        {d.WeightsFile}: {d.TensorCount} tensors, " +
                              string.Join(", ", d.TensorsPerDType.Select(kv => $"{kv.Value} {kv.Key}")));
            Console.WriteLine($"parameters     {d.ParameterCount:N0} ({d.ParameterCount / 1e6:F1} M)");
            Console.WriteLine($"cpu            {CpuFeatures.Current}");
            Console.WriteLine($"compute type   {ComputeTypes.Resolve("auto", CpuFeatures.Current).Name()} (auto: bfloat16 where the CPU has AMX)");
            Console.WriteLine("files");
            foreach (var f in d.Files)
                Console.WriteLine($"  {f.Name,-32} {ByteSize.Text(f.Bytes),12}");
            if (parse.GetValue(adapter) is { } adapterDir)
            {
                Console.WriteLine();
                LoraCommand.Describe(adapterDir, modelDir);
            }
            return 0;
        });
        return command;
    }
}
