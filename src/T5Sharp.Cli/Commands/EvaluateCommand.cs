using System.CommandLine;
using T5Sharp.Data;
using T5Sharp.Distributed;
using T5Sharp.Evaluation;
using T5Sharp.Generation;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp evaluate`: generate with a model over a data set (JSONL, JSON array, CSV/TSV or Parquet) (or take an existing predictions file), score,
/// write predictions.jsonl + metrics.json, print the metric table. ROUGE is reported ×100 like HF's scripts.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "A Hugging Face T5 model folder." };
        var data = new Option<string?>("--data") { Description = "A data file of examples: JSONL, JSON array, CSV/TSV or Parquet." };
        var predictions = new Option<string?>("--predictions")
            { Description = "Score this predictions file (JSONL, JSON array, CSV/TSV or Parquet; fields prediction and reference: text, or a list where the format has lists) instead of generating." };
        var sourceField = new Option<string>("--source-field") { Description = "Field with the model input.", DefaultValueFactory = _ => "dialogue" };
        var referenceField = new Option<string>("--reference-field")
            { Description = "Field(s) with the reference text (or a list of texts in JSON/Parquet); a comma list for several references (summary1,summary2,summary3).", DefaultValueFactory = _ => "summary" };
        var metrics = MetricsOption();
        var output = new Option<string?>("--out") { Description = "Folder for predictions.jsonl and metrics.json." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N examples." };
        var template = TemplateOption();
        var adapter = AdapterOption.Create();
        var generation = new GenerationOptions();
        var seed = SeedOption();
        var lsumSplit = LsumSplitOption();
        var command = new Command("evaluate", "Generate and score (ROUGE, BLEU, chrF) on a data set, or score a predictions file.")
            { model, adapter, data, predictions, sourceField, referenceField, template, metrics, lsumSplit, output, limit, seed };
        generation.AddTo(command);
        command.SetAction(parse =>
        {
            var options = Options(parse.GetValue(metrics)!, parse.GetValue(seed), parse.GetValue(lsumSplit)!);
            // under mpirun the ranks share the generation; every rank scores the gathered predictions, rank 0 alone writes and prints
            var group = DistributedWorld.Current;
            string? outDir = parse.GetValue(output);
            EvaluationResult result;
            string? predictionsPath = parse.GetValue(predictions);
            if (predictionsPath is not null)
            {
                if (parse.GetValue(model) is not null || parse.GetValue(data) is not null)
                    throw new ArgumentException("give either --predictions FILE or --model DIR with --data FILE, not both");
                if (generation.Given(parse) is [_, ..] given)
                    throw new ArgumentException($"{string.Join(", ", given)} set how a model generates; --predictions scores outputs already made");
                var read = PredictionsFile.Read(predictionsPath);
                if (parse.GetValue(limit) is { } n)
                    read = n >= 1 ? read.Take(n).ToList() : throw new ArgumentException($"--limit must be at least 1, got {n}");
                result = Evaluator.Score(read.Select(e => e.Source).ToList(), read.Select(e => e.References).ToList(),
                    read.Select(e => e.Prediction).ToList(), options);
            }
            else
            {
                string modelDir = parse.GetValue(model) ?? throw new ArgumentException("--model DIR is required (or --predictions FILE)");
                string dataPath = parse.GetValue(data) ?? throw new ArgumentException("--data FILE is required with --model");
                var set = EvaluationSet.Read(Downloads.Paths.DataFile(dataPath, "test"), parse.GetValue(sourceField)!, ReferenceFields(parse.GetValue(referenceField)!),
                    parse.GetValue(limit), Template(parse, template));
                using var pretrained = PretrainedT5.Load(Downloads.Paths.Model(modelDir), generation.LoadOptions(parse, parse.GetValue(adapter) is not null));
                AdapterOption.Apply(parse, adapter, pretrained);
                result = generation.Evaluate(parse, pretrained, "evaluate", set, options,
                    outDir is null ? null : Path.Combine(outDir, PredictionsFile.FileName), group);
            }
            if (!group.IsMain) return 0;
            if (outDir is not null)
            {
                if (predictionsPath is not null) PredictionsFile.Write(Path.Combine(outDir, PredictionsFile.FileName), result.Examples);
                MetricsFile.Write(Path.Combine(outDir, MetricsFile.FileName), result.Summary);
            }
            Console.Write(MetricsTable.Format([("model", result.Summary)]));
            return 0;
        });
        return command;
    }

    internal static Option<string?> TemplateOption() => new("--template")
    {
        Description = "Prompt built from each record's fields, e.g. \"Summarize the following conversation:\\n\\n{dialogue}\\n\\nSummary:\\n\" " +
                      "(\\n is a newline); replaces --source-field.",
    };

    /// <summary>The --template prompt, with the escapes a shell can't type (\n, \t) turned into the characters.</summary>
    internal static PromptTemplate? Template(ParseResult parse, Option<string?> option) => PromptBuilder.TypedTemplate(parse.GetValue(option));

    internal static Option<string> MetricsOption() => new("--metrics")
        { Description = "Comma list of metrics: rouge, rouge1, rouge2, rougeL, rougeLsum, bleu, chrf.", DefaultValueFactory = _ => "rouge,bleu,chrf" };

    internal static Option<uint> SeedOption() => new("--bootstrap-seed")
        { Description = "Seed of the bootstrap intervals (and of the example sample in compare).", DefaultValueFactory = _ => 0u };

    internal static Option<string> LsumSplitOption() => new Option<string>("--rouge-lsum-split")
    {
        Description = "How rougeLsum finds sentences: 'sentences' (a rule-based splitter, as HF's summarization scripts with nltk) " +
                      "or 'newline' (only at newlines, as evaluate.load(\"rouge\") on the texts as given).",
        DefaultValueFactory = _ => SentenceSplit.Sentences,
    }.AcceptOnlyFromAmong(SentenceSplit.Sentences, SentenceSplit.Newline);

    /// <summary>The scoring options; the metric names are checked here, before any model is loaded or text generated.</summary>
    internal static EvaluatorOptions Options(string metrics, uint seed, string lsumSplit)
    {
        var names = metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Metrics.Validate(names);
        return new EvaluatorOptions
        {
            MetricNames = names,
            Metric = new MetricOptions { RougeAsPercent = true, BootstrapSeed = seed, SplitSentencesForLsum = SentenceSplit.Parse(lsumSplit) },
        };
    }

    internal static string[] ReferenceFields(string list)
    {
        var fields = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return fields.Length > 0 ? fields : throw new ArgumentException("--reference-field names no field");
    }

    /// <summary>
    /// The decoding options evaluate and compare share — every generation setting of `generate` (beams, lengths,
    /// sampling, --preset), plus batching — and the generate delegate they make.
    /// </summary>
    internal sealed class GenerationOptions
    {
        readonly GenerationCliOptions _generation = new();
        readonly Option<int> _batchSize = new("--batch-size") { Description = "Inputs decoded together.", DefaultValueFactory = _ => 8 };
        readonly Option<int?> _maxSource = new("--max-source-length") { Description = "Truncate inputs to this many tokens." };
        readonly Option<string> _dtype = DTypeOption.Create();
        readonly Option<string> _quantize = QuantizeOption.Create();

        public void AddTo(Command command)
        {
            _generation.AddTo(command);
            command.Options.Add(_batchSize);
            command.Options.Add(_maxSource);
            command.Options.Add(_dtype);
            command.Options.Add(_quantize);
        }

        /// <summary>The decoding options given on the command line (not left at their defaults), by name.</summary>
        public IReadOnlyList<string> Given(ParseResult parse) =>
            _generation.All.Append(_batchSize).Append(_maxSource).Append(_dtype).Append(_quantize)
                .Where(o => parse.GetResult(o) is System.CommandLine.Parsing.OptionResult { Implicit: false }).Select(o => o.Name).ToList();

        /// <summary>How the models are loaded (--dtype, --quantize; int8 refused with <paramref name="withAdapter"/>).</summary>
        public PretrainedLoadOptions LoadOptions(ParseResult parse, bool withAdapter = false) =>
            QuantizeOption.Apply(parse, _quantize, DTypeOption.LoadOptions(parse, _dtype), withAdapter);

        /// <summary>
        /// Generates for the set in batches with the model's settings overridden by the options and scores: progress on
        /// stderr, each batch's predictions appended to <paramref name="predictionsPath"/> as soon as they exist (then the
        /// scored file in its place), and what --max-source-length cut said at the end. With a <paramref name="group"/> of
        /// several ranks, each generates its share of the batches and rank 0 alone reports, writes and prints.
        /// </summary>
        public EvaluationResult Evaluate(ParseResult parse, PretrainedT5 pretrained, string label, EvaluationSet set,
            EvaluatorOptions options, string? predictionsPath, IProcessGroup? group = null)
        {
            group ??= SingleProcess.Instance;
            int batchSize = parse.GetValue(_batchSize);
            if (batchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {batchSize}");
            var (config, prefix) = _generation.Build(parse, pretrained);
            if (config.NumReturnSequences != 1)
                throw new ArgumentException("evaluate scores one output per input: --num-return-sequences must be 1");
            int? maxSource = parse.GetValue(_maxSource);
            var prompt = new PromptBuilder(Prefix: prefix); // the sources already went through the template as they were read
            var truncation = new TruncationTally();
            // sharded, each rank encodes only its own batches: rank 0 tallies every source so that the notice covers the set
            bool sharded = group.WorldSize > 1;
            if (sharded && group.IsMain)
                foreach (var chunk in set.Sources.Chunk(batchSize))
                    truncation.Add(pretrained.Tokenizer.EncodeBatch(chunk.Select(prompt.ForRendered).ToList(), maxSource));
            EvaluationResult result;
            using (var writer = predictionsPath is null || !group.IsMain ? null : new PredictionsWriter(predictionsPath))
            {
                using (var progress = group.IsMain ? ProgressReporter.Start(label, set.Sources.Count) : null)
                {
                    int done = 0;
                    result = Evaluator.Evaluate(set.Sources, set.References,
                        chunk => TextGenerator.Generate(pretrained, chunk.Select(prompt.ForRendered).ToList(), config, batchSize, maxSource,
                            truncation: sharded ? null : truncation),
                        options with { ChunkSize = batchSize },
                        examples =>
                        {
                            writer?.Append(examples);
                            done += examples.Count;
                            progress?.Report(done);
                        }, group);
                }
                writer?.Complete(result.Examples);
            }
            if (group.IsMain) TruncationNotice.Print(label, truncation.Report(), "--max-source-length");
            return result;
        }
    }
}
