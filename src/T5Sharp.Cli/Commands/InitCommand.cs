using System.CommandLine;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp init`: a randomly initialised model folder (HF's T5 init scheme) from a config.json.</summary>
public static class InitCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "A T5 config.json (e.g. flan-t5-small's).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the model into.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "Folder whose tokenizer files to copy (default: the config's folder).",
        };
        var command = new Command("init", "Write a randomly initialised T5 model folder (for benchmarks and from-scratch training).")
            { config, output, seed, tokenizer };
        command.SetAction(parse =>
        {
            string configPath = parse.GetValue(config)!;
            string tokenizerDir = parse.GetValue(tokenizer) ?? Path.GetDirectoryName(Path.GetFullPath(configPath))!;
            string outDir = parse.GetValue(output)!;
            var cfg = T5Config.Load(configPath);
            using var model = RandomModel.Create(cfg, parse.GetValue(seed));
            ModelFolder.Save(outDir, cfg, model.state_dict(), tokenizerSourceDir: tokenizerDir);
            long parameters = model.parameters().Sum(p => p.numel());
            Console.WriteLine($"wrote {outDir}: {parameters:N0} parameters, seed {parse.GetValue(seed)}");
            return 0;
        });
        return command;
    }
}
