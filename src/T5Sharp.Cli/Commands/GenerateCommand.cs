using System.CommandLine;
using System.Text.Json;
using T5Sharp.Checkpoints;
using T5Sharp.Generation;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp generate`: text in, generated text out (one line per input; JSON lines for a file).</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A Hugging Face T5 model folder.", Required = true };
        var input = new Option<string?>("--input") { Description = "The input text." };
        var inputFile = new Option<string?>("--input-file") { Description = "A JSONL file of inputs." };
        var field = new Option<string?>("--field") { Description = "The JSON field of --input-file that holds the text." };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens to generate at most.", DefaultValueFactory = _ => 64 };
        var minNew = new Option<int>("--min-new-tokens") { Description = "Tokens to generate at least.", DefaultValueFactory = _ => 0 };
        var maxSource = new Option<int?>("--max-source-length") { Description = "Truncate inputs to this many tokens (default: the tokenizer's model_max_length)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Inputs decoded together.", DefaultValueFactory = _ => 8 };
        var command = new Command("generate", "Generate text with a model (greedy decoding).")
            { model, input, inputFile, field, maxNew, minNew, maxSource, batchSize };
        command.SetAction(parse =>
        {
            var texts = InputTexts.Read(parse.GetValue(input), parse.GetValue(inputFile), parse.GetValue(field));
            int maxNewTokens = parse.GetValue(maxNew), minNewTokens = parse.GetValue(minNew);
            if (maxNewTokens < 1) throw new ArgumentException($"--max-new-tokens must be at least 1, got {maxNewTokens}");
            if (minNewTokens < 0 || minNewTokens > maxNewTokens)
                throw new ArgumentException($"--min-new-tokens must be between 0 and --max-new-tokens ({maxNewTokens}), got {minNewTokens}");
            Runtime.TorchRuntime.Initialize();
            using var pretrained = PretrainedT5.Load(parse.GetValue(model)!);
            var options = new GreedyOptions { MaxNewTokens = maxNewTokens, MinNewTokens = minNewTokens };
            var outputs = TextGenerator.Generate(pretrained, texts, options, parse.GetValue(batchSize), parse.GetValue(maxSource));
            bool fromFile = parse.GetValue(inputFile) is not null;
            for (int i = 0; i < outputs.Count; i++)
                Console.WriteLine(fromFile ? JsonSerializer.Serialize(new { input = texts[i], generated = outputs[i] }) : outputs[i]);
            return 0;
        });
        return command;
    }
}
