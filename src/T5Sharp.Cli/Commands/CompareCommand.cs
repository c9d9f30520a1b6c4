using System.CommandLine;
using System.Text.RegularExpressions;
using T5Sharp.Data;
using T5Sharp.Evaluation;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp compare`: several systems (model folders, or existing predictions files) on the same data → one report
/// (report.md, report.html) with metric intervals, the change of each over the first system, and sampled examples side
/// by side; each system's predictions.jsonl and metrics.json go to OUT/NAME/. The first system given is the baseline.
/// </summary>
public static partial class CompareCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "A data file of examples: JSONL, JSON array, CSV/TSV or Parquet.", Required = true };
        var sourceField = new Option<string>("--source-field") { Description = "Field with the model input.", DefaultValueFactory = _ => "dialogue" };
        var referenceField = new Option<string>("--reference-field")
            { Description = "Field(s) with the reference text (or a list of texts in JSON/Parquet); a comma list for several references.", DefaultValueFactory = _ => "summary" };
        var systems = new Option<string[]>("--system") { Description = "NAME=MODEL_DIR: a model to generate with (repeatable)." };
        var systemPredictions = new Option<string[]>("--system-predictions")
            { Description = "NAME=FILE: a predictions file (predictions.jsonl, or CSV/TSV/Parquet/JSON with fields prediction and reference) made for the same data, in the same order (repeatable)." };
        var output = new Option<string>("--out") { Description = "Folder for the report and each system's files.", Required = true };
        var examples = new Option<int>("--examples") { Description = "Examples shown side by side.", DefaultValueFactory = _ => 5 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N examples." };
        var template = EvaluateCommand.TemplateOption();
        var metrics = EvaluateCommand.MetricsOption();
        var seed = EvaluateCommand.SeedOption();
        var lsumSplit = EvaluateCommand.LsumSplitOption();
        var generation = new EvaluateCommand.GenerationOptions();
        var command = new Command("compare", "Compare models (or prediction files) on the same data: Markdown and HTML report.")
            { data, sourceField, referenceField, template, systems, systemPredictions, output, examples, limit, metrics, lsumSplit, seed };
        generation.AddTo(command);
        command.SetAction(parse =>
        {
            var options = EvaluateCommand.Options(parse.GetValue(metrics)!, parse.GetValue(seed), parse.GetValue(lsumSplit)!);
            var specs = Specs(parse, systems, isModel: true).Concat(Specs(parse, systemPredictions, isModel: false))
                .OrderBy(s => s.Position).ToList();
            if (specs.Count == 0) throw new ArgumentException("give at least one --system NAME=MODEL_DIR or --system-predictions NAME=FILE");
            var duplicate = specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new ArgumentException($"two systems are named '{duplicate.Key}'");
            string dataPath = Downloads.Paths.DataFile(parse.GetValue(data)!, "test");
            var set = EvaluationSet.Read(dataPath, parse.GetValue(sourceField)!,
                EvaluateCommand.ReferenceFields(parse.GetValue(referenceField)!), parse.GetValue(limit),
                EvaluateCommand.Template(parse, template));
            string outDir = parse.GetValue(output)!;

            var compared = new List<ComparedSystem>();
            foreach (var spec in specs)
            {
                string predictionsPath = Path.Combine(outDir, spec.Name, PredictionsFile.FileName);
                var result = spec.IsModel ? Generate(parse, generation, spec, set, options, predictionsPath) : ScoreFile(spec, set, options);
                if (!spec.IsModel) PredictionsFile.Write(predictionsPath, result.Examples);
                MetricsFile.Write(Path.Combine(outDir, spec.Name, MetricsFile.FileName), result.Summary);
                compared.Add(new ComparedSystem(spec.Name, result));
            }
            new ComparisonReport(compared, parse.GetValue(examples), parse.GetValue(seed)).Write(outDir);
            Console.Write(MetricsTable.Format(compared.Select(c => (c.Name, c.Result.Summary)).ToList()));
            Console.WriteLine($"report: {Path.Combine(outDir, ComparisonReport.MarkdownFileName)}, {Path.Combine(outDir, ComparisonReport.HtmlFileName)}");
            return 0;
        });
        return command;
    }

    sealed record SystemSpec(string Name, string Path, bool IsModel, int Position);

    /// <summary>NAME=PATH values, with their position on the command line so that the first system given is the baseline.</summary>
    static IEnumerable<SystemSpec> Specs(ParseResult parse, Option<string[]> option, bool isModel)
    {
        foreach (var value in parse.GetValue(option) ?? [])
        {
            int eq = value.IndexOf('=');
            if (eq <= 0 || eq == value.Length - 1) throw new ArgumentException($"{option.Name} expects NAME=PATH, got '{value}'");
            string name = value[..eq];
            if (!SafeName().IsMatch(name) || name is "." or "..")
                throw new ArgumentException($"{option.Name}: system name '{name}' must be letters, digits, '.', '_' or '-' (it names a folder)");
            int position = parse.Tokens.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Value.EndsWith(value, StringComparison.Ordinal)).i;
            yield return new SystemSpec(name, value[(eq + 1)..], isModel, position);
        }
    }

    static EvaluationResult Generate(ParseResult parse, EvaluateCommand.GenerationOptions generation, SystemSpec spec,
        EvaluationSet set, EvaluatorOptions options, string predictionsPath)
    {
        // One model in memory at a time: each is loaded, run and released before the next.
        using var pretrained = PretrainedT5.Load(Downloads.Paths.Model(spec.Path), generation.LoadOptions(parse));
        return generation.Evaluate(parse, pretrained, spec.Name, set, options, predictionsPath);
    }

    /// <summary>A predictions file must hold the data's examples, in order: same count and same references.</summary>
    static EvaluationResult ScoreFile(SystemSpec spec, EvaluationSet set, EvaluatorOptions options)
    {
        var read = PredictionsFile.Read(spec.Path);
        if (read.Count != set.Sources.Count)
            throw new DataException($"{spec.Path}: {read.Count} predictions, but the data has {set.Sources.Count} examples");
        for (int i = 0; i < read.Count; i++)
            if (!read[i].References.SequenceEqual(set.References[i]))
                throw new DataException($"{spec.Path}: record {i + 1}: its reference differs from example {i} of the data");
        return Evaluator.Score(set.Sources, set.References, read.Select(e => e.Prediction).ToList(), options);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();
}
