using System.CommandLine;
using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Data.Readers;
using T5Sharp.Evaluation;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp score`: per-example loss of each target given its source (JSON lines), then the mean.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A Hugging Face T5 model folder or Hub name (owner/name[@revision]).", Required = true };
        var data = new Option<string>("--data") { Description = "A data file: JSONL, JSON array, CSV/TSV or Parquet.", Required = true };
        var sourceField = new Option<string>("--source-field") { Description = "Field with the model input.", Required = true };
        var targetField = new Option<string>("--target-field") { Description = "Field with the expected output.", Required = true };
        var maxSource = new Option<int?>("--max-source-length") { Description = "Truncate sources to this many tokens." };
        var maxTarget = new Option<int?>("--max-target-length") { Description = "Truncate targets to this many tokens." };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 8 };
        var adapter = AdapterOption.Create();
        var dtype = DTypeOption.Create();
        var command = new Command("score", "Per-example loss (cross-entropy per target token) of targets given sources.")
            { model, adapter, data, sourceField, targetField, maxSource, maxTarget, batchSize, dtype };
        command.SetAction(parse =>
        {
            string path = Downloads.Paths.DataFile(parse.GetValue(data)!);
            string source = parse.GetValue(sourceField)!, target = parse.GetValue(targetField)!;
            var rows = RecordReader.Read(path).Select(r => new[] { r.Get(source), r.Get(target) }).ToList();
            if (rows.Count == 0) throw new DataException($"{path}: no records");
            using var pretrained = PretrainedT5.Load(Downloads.Paths.Model(parse.GetValue(model)!), DTypeOption.LoadOptions(parse, dtype));
            AdapterOption.Apply(parse, adapter, pretrained);
            var truncation = new TruncationTally();
            List<SequenceScore> scores;
            using (var progress = ProgressReporter.Start("score", rows.Count))
                scores = SequenceScorer.Score(pretrained, rows.Select(r => r[0]).ToList(), rows.Select(r => r[1]).ToList(),
                    parse.GetValue(batchSize), parse.GetValue(maxSource), parse.GetValue(maxTarget), progress.Report, truncation);
            TruncationNotice.Print("score", truncation.Report(), "--max-source-length / --max-target-length", "sources");
            for (int i = 0; i < scores.Count; i++)
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    index = i, loss = scores[i].MeanLoss, sum_loss = scores[i].SumLoss, tokens = scores[i].TokenCount,
                }));
            double mean = scores.Average(s => s.MeanLoss);
            double tokenMean = scores.Sum(s => s.SumLoss) / Math.Max(1, scores.Sum(s => s.TokenCount));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                examples = scores.Count, mean_loss = mean, token_weighted_loss = tokenMean, perplexity = Math.Exp(tokenMean),
            }));
            return 0;
        });
        return command;
    }
}
