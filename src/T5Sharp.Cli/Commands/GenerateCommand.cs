using System.CommandLine;
using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Distributed;
using T5Sharp.Generation;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp generate`: text in, generated text out (streamed as it comes for one input without beams; JSON lines for a
/// file), or --interactive: a chat with a rolling conversation context.
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A Hugging Face T5 model folder or Hub name (owner/name[@revision]).", Required = true };
        var input = new Option<string?>("--input") { Description = "The input text." };
        var inputFile = new Option<string?>("--input-file") { Description = "A file of inputs: JSONL, JSON array, CSV/TSV or Parquet." };
        var field = new Option<string?>("--field") { Description = "The field of --input-file that holds the text." };
        var template = new Option<string?>("--template")
        {
            Description = "Prompt template: {text} is the input, {name} a field of --input-file's record; \\n and \\t are newline and tab.",
        };
        var maxSource = new Option<int?>("--max-source-length") { Description = "Truncate inputs to this many tokens (default: the tokenizer's model_max_length)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Inputs decoded together.", DefaultValueFactory = _ => 8 };
        var interactive = new Option<bool>("--interactive") { Description = "Chat: type a message, get a reply; the conversation so far is the context (/reset clears it, /quit ends)." };
        var contextTurns = new Option<int>("--context-turns") { Description = "Interactive: turns of the conversation kept as context.", DefaultValueFactory = _ => 10 };
        var adapter = AdapterOption.Create();
        var dtype = DTypeOption.Create();
        var quantize = QuantizeOption.Create();
        var generation = new GenerationCliOptions();
        var command = new Command("generate", "Generate text with a model: greedy, beam search or sampling.")
            { model, adapter, input, inputFile, field, template, maxSource, batchSize, interactive, contextTurns, dtype, quantize };
        generation.AddTo(command);
        command.SetAction(parse =>
        {
            var promptTemplate = EvaluateCommand.Template(parse, template);
            bool chat = parse.GetValue(interactive);
            var inputs = chat ? [] : PromptInputs.Read(parse.GetValue(input), parse.GetValue(inputFile), parse.GetValue(field), promptTemplate);
            using var pretrained = PretrainedT5.Load(Downloads.Paths.Model(parse.GetValue(model)!),
                QuantizeOption.Apply(parse, quantize, DTypeOption.LoadOptions(parse, dtype), parse.GetValue(adapter) is not null));
            AdapterOption.Apply(parse, adapter, pretrained);
            var (config, prefix) = generation.Build(parse, pretrained);
            var prompt = new PromptBuilder(promptTemplate, prefix);
            if (chat)
            {
                int budget = parse.GetValue(maxSource) ?? pretrained.Tokenizer.ModelMaxLength ?? 512;
                RunChat(new ChatSession(pretrained, config, text => prompt.ForText(text, "--interactive"),
                    new ConversationContext(parse.GetValue(contextTurns), budget)));
                return 0;
            }
            var prompts = inputs.Select(prompt.For).ToList();
            bool fromFile = parse.GetValue(inputFile) is not null;
            bool stream = !fromFile && config.NumBeams == 1 && config.NumReturnSequences == 1 && !config.OutputScores;
            var streamer = stream ? new TextStreamer(pretrained.Tokenizer, piece => { Console.Write(piece); Console.Out.Flush(); }) : null;
            var truncation = new TruncationTally();
            int perInput = config.NumReturnSequences, written = 0;
            // under mpirun (only with --input-file) the ranks share the batches and rank 0 alone prints, in input order
            var group = fromFile ? DistributedWorld.Current : SingleProcess.Instance;
            var batches = group.WorldSize > 1
                ? ShardedTextGenerator.GenerateBatches(group, pretrained, prompts, config, parse.GetValue(batchSize), parse.GetValue(maxSource), truncation)
                : TextGenerator.GenerateBatches(pretrained, prompts, config, parse.GetValue(batchSize), parse.GetValue(maxSource), streamer, truncation);
            // Each batch is printed and flushed as soon as it is generated: an interrupted run keeps the lines it made.
            using (var progress = fromFile && group.IsMain ? ProgressReporter.Start("generate", prompts.Count, "inputs") : null)
                foreach (var batch in batches)
                {
                    if (!group.IsMain) continue;
                    foreach (var o in batch)
                    {
                        if (stream) continue; // the streamer printed it
                        if (fromFile || config.OutputScores)
                            Console.WriteLine(JsonSerializer.Serialize(new
                            {
                                input = inputs[written / perInput].Text, generated = o.Text, sequence_score = o.SequenceScore, token_logprobs = o.TokenLogProbs,
                            }));
                        else Console.WriteLine(o.Text);
                        written++;
                    }
                    Console.Out.Flush();
                    progress?.Report(written / perInput);
                }
            if (!group.IsMain) return 0;
            if (stream) Console.WriteLine();
            TruncationNotice.Print("generate", truncation.Report(), "--max-source-length");
            return 0;
        });
        return command;
    }

    static void RunChat(ChatSession session)
    {
        Console.Error.WriteLine("Type a message (/reset clears the conversation, /quit or end of input leaves).");
        while (true)
        {
            Console.Error.Write("> ");
            string? line = Console.ReadLine();
            if (line is null || line.Trim() == "/quit") return;
            if (line.Trim() == "/reset")
            {
                session.Context.Clear();
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            session.Reply(line, piece => { Console.Write(piece); Console.Out.Flush(); });
            Console.WriteLine();
        }
    }
}
