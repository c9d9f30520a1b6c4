using System.CommandLine;
using System.Globalization;
using T5Sharp.Data;
using T5Sharp.Distributed;
using T5Sharp.Evaluation;
using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;
using T5Sharp.Training;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp train`: a fine-tuning run described by --config run.json, the common flags and --set key=value overrides
/// (later wins). Without --config, --model and --data it runs the embedded demo (samples/): a small random T5 with
/// FLAN-T5's tokenizer learns generated dialogue summaries; ROUGE before vs after and sample outputs are printed.
/// Ctrl-C saves a checkpoint at the next step and exits 130; --resume DIR continues from one. Under
/// <c>mpirun -np N</c> it is one data-parallel run (the library shards, averages and agrees): rank 0 alone prints,
/// shows progress and writes the run folder; the other ranks train silently.
/// </summary>
public static class TrainCommand
{
    public const int Interrupted = 130;

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "A run options JSON file (model, data, fields, and HF training arguments by their names)." };
        var set = new Option<string[]>("--set") { Description = "Override any run option: --set learning_rate=3e-4 (repeatable; the value is JSON or text)." };
        var model = new Option<string?>("--model") { Description = "A Hugging Face T5 model folder (overrides model)." };
        var data = new Option<string?>("--data") { Description = "Training data file: JSONL, JSON, CSV, TSV or Parquet (overrides data)." };
        var evalData = new Option<string?>("--eval-data") { Description = "Evaluation data file (otherwise --set validation_split=0.1 holds some out)." };
        var sourceField = new Option<string?>("--source-field") { Description = "Record field with the model input." };
        var targetField = new Option<string?>("--target-field") { Description = "Record field with the text to learn." };
        var template = new Option<string?>("--template") { Description = "Prompt from record fields, e.g. \"Summarize: {dialogue}\" (\\n is a newline)." };
        var output = new Option<string?>("--output-dir") { Description = "Run folder (run.json, metrics.jsonl, checkpoint-N/, final/)." };
        var epochs = new Option<double?>("--epochs") { Description = "num_train_epochs." };
        var maxSteps = new Option<long?>("--max-steps") { Description = "max_steps (overrides epochs)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "per_device_train_batch_size." };
        var learningRate = new Option<double?>("--learning-rate") { Description = "learning_rate." };
        var seed = new Option<int?>("--seed") { Description = "seed (shuffling, dropout, initialisation)." };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "Keep the data in file order (to reproduce another tool's run)." };
        var resume = new Option<string?>("--resume") { Description = "Continue exactly from a checkpoint-N folder, or a run folder's newest complete checkpoint." };
        var lora = new Option<string?>("--lora") { Description = "Train a LoRA adapter instead of every weight: r=32,alpha=32,dropout=0.05,targets=q,v (peft's fields)." };
        var reportTo = new Option<string[]>("--report-to") { Description = "Where logs go besides metrics.jsonl: tensorboard (event files in logging_dir, default OUTPUT/runs/DATE_HOST), all or none." };
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 mixed precision (HF's bf16): matmuls in bf16, float32 weights, optimizer and loss; needs a CPU with bf16 (fast with AMX)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print data statistics, the step plan and a memory estimate; don't train." };
        var command = new Command("train", "Fine-tune a T5 model (Seq2SeqTrainer semantics); with no model/data, the offline demo.")
            { config, set, model, data, evalData, sourceField, targetField, template, output, epochs, maxSteps, batchSize, learningRate, seed, noShuffle, lora, resume, reportTo, bf16, dryRun };
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse);
            }
            catch (Exception e) when (e is TrainingException or GenerationConfigException)
            {
                Console.Error.WriteLine($"error: {CliErrors.Message(e)}");
                return CliErrors.UserError;
            }
        });
        return command;

        int Run(ParseResult parse)
        {
            bool demo = parse.GetValue(config) is null && parse.GetValue(model) is null && parse.GetValue(data) is null;
            var overrides = new List<string>();
            var demoRun = demo ? new DemoRun(SamplesDir()) : null;
            if (demoRun is not null) overrides.AddRange(demoRun.Overrides(parse.GetValue(output) ?? "runs/demo"));
            void Add(string key, object? value)
            {
                if (value is null) return;
                string text = value switch
                {
                    string s => System.Text.Json.JsonSerializer.Serialize(s),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString()!,
                };
                overrides.Add($"{key}={text}");
            }
            Add("model", parse.GetValue(model) is { } m ? Downloads.Paths.Model(m) : null);
            Add("data", parse.GetValue(data) is { } d ? Downloads.Paths.DataFile(d) : null);
            Add("eval_data", parse.GetValue(evalData) is { } e ? Downloads.Paths.DataFile(e, "validation") : null);
            Add("source_field", parse.GetValue(sourceField));
            Add("target_field", parse.GetValue(targetField));
            Add("template", parse.GetValue(template) is { } t ? PromptBuilder.Unescape(t) : null);
            Add("output_dir", parse.GetValue(output));
            Add("num_train_epochs", parse.GetValue(epochs));
            Add("max_steps", parse.GetValue(maxSteps));
            Add("per_device_train_batch_size", parse.GetValue(batchSize));
            Add("learning_rate", parse.GetValue(learningRate));
            Add("seed", parse.GetValue(seed));
            Add("lora", parse.GetValue(lora));
            if (parse.GetValue(noShuffle)) overrides.Add("shuffle=false");
            if (parse.GetValue(bf16)) overrides.Add("bf16=true");
            if (parse.GetValue(reportTo) is { Length: > 0 } targets) overrides.Add($"report_to={System.Text.Json.JsonSerializer.Serialize(targets)}");
            overrides.AddRange(parse.GetValue(set) ?? []);

            string? configPath = parse.GetValue(config);
            var options = configPath is null
                ? RunOptions.Parse(null, "command line", overrides, Downloads.Paths)
                : RunOptions.Load(configPath, overrides, Downloads.Paths);
            var world = DistributedWorld.Current;
            bool main = world.IsMain;
            if (demoRun is not null)
            {
                // one writer for the demo's random init/; the other ranks read it once it is complete
                if (main) demoRun.CreateModel(options);
                world.Barrier();
                if (!main) options.Model = Path.Combine(options.Training.OutputDir, "init");
            }
            if (options.Model is null) throw new TrainingException("give --model DIR (or model in --config), or nothing at all for the demo");
            if (main) foreach (var warning in options.Warnings) Console.Error.WriteLine($"warning: {warning}");
            MixedPrecision.CheckCpu(options.Training, CpuFeatures.Current);
            using var pretrained = PretrainedT5.Load(Downloads.Paths.Model(options.Model));
            var progress = TrainProgress.ForStderr();
            var trainer = new Seq2SeqTrainer(options, pretrained, main ? [progress] : []);
            if (!main) return TrainSilently(trainer, parse.GetValue(resume), parse.GetValue(dryRun));
            if (trainer.Lora is { } adapter) Console.Error.WriteLine(adapter.CountParameters().ToString());
            foreach (var push in trainer.Callbacks.OfType<HubPushCallback>())
                push.Reported += report => progress.Note(PushLine(report));
            if (parse.GetValue(dryRun))
            {
                Console.Write(DryRunReport.Create(trainer, options, pretrained.Model));
                return 0;
            }

            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                if (cancellation.IsCancellationRequested)
                {
                    // the second Ctrl-C: leave now. A save in progress is a temporary folder that the next start removes.
                    string? kept = CheckpointFolders.LatestComplete(options.Training.OutputDir);
                    Console.Error.WriteLine("\ninterrupted again: exiting now without saving; " + (kept is null
                        ? "no complete checkpoint was saved."
                        : $"the last complete checkpoint is {kept} (steps after it are lost); continue with --resume {options.Training.OutputDir}"));
                    Environment.Exit(Interrupted);
                }
                cancellation.Cancel(); // let the trainer stop evaluation at its next decoding step and save at the step boundary
                progress.Note("interrupted: saving a checkpoint at the end of this step (Ctrl-C again exits without saving) ...");
            };
            Console.CancelKeyPress += onCancel;
            // the signals mpirun forwards to the ranks (SIGUSR1/2) and SIGTERM: the same orderly stop, agreed by every rank
            var onStopSignals = world.WorldSize > 1 ? StopSignals.Register(cancellation) : [];
            TrainOutput result;
            try
            {
                // what Train found in the output folder is told when training begins, not after it
                trainer.AddCallback(new AtTrainBegin(() =>
                {
                    if (trainer.ResumedFrom is { } from) progress.Note($"resumed from {from}");
                    foreach (var left in trainer.RemovedLeftovers) progress.Note($"removed {left} (left by an interrupted save or deletion)");
                    if (trainer.RemovedPreviousRun.Count > 0)
                        progress.Note($"overwrite_output_dir: removed the previous run's {string.Join(", ", trainer.RemovedPreviousRun.Select(Path.GetFileName))}");
                }));
                result = progress.Run(() => trainer.Train(parse.GetValue(resume), cancellation.Token));
                if (result.EarlyStopped) progress.Note($"early stopping at step {result.State.GlobalStep}: no improvement");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                foreach (var registration in onStopSignals) registration.Dispose();
            }
            if (result.Cancelled)
            {
                Console.Error.WriteLine(result.LastCheckpoint is null
                    ? $"stopped at step {result.State.GlobalStep}; nothing was saved."
                    : $"stopped at step {result.State.GlobalStep}; checkpoint saved in {result.LastCheckpoint}. " +
                      $"Continue with: t5sharp train ... --resume {options.Training.OutputDir}");
                return Interrupted;
            }
            PrintSummary(result, demoRun is null ? [] : DemoRun.BeforeAfter(trainer, result));
            if (trainer.Callbacks.OfType<TensorBoardCallback>().FirstOrDefault() is { } board)
                Console.WriteLine($"TensorBoard logs in {board.LogDir} (tensorboard --logdir {Path.GetDirectoryName(board.LogDir)})");
            string report = new T5Sharp.Reports.TrainingReport([T5Sharp.Reports.RunFolder.Load(options.Training.OutputDir)])
                .Write(Path.Combine(options.Training.OutputDir, "report"));
            Console.WriteLine($"report: {report} (t5sharp report {options.Training.OutputDir} --out DIR to compare runs)");
            return 0;
        }
    }

    /// <summary>
    /// A rank other than 0 of a distributed run: the same training (every collective must be matched), nothing printed or
    /// written; an interrupt (SIGINT from a terminal, SIGUSR1/SIGUSR2 forwarded by mpirun, SIGTERM) stops it at the step boundary the ranks agree on.
    /// </summary>
    static int TrainSilently(Seq2SeqTrainer trainer, string? resume, bool dryRun)
    {
        if (dryRun) return 0;
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var onStopSignals = StopSignals.Register(cancellation);
        try
        {
            return trainer.Train(resume, cancellation.Token).Cancelled ? Interrupted : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            foreach (var registration in onStopSignals) registration.Dispose();
        }
    }

    /// <summary>The demo's samples folder, copied beside the program by the build.</summary>
    static string SamplesDir()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "samples");
        return Directory.Exists(dir) ? dir : throw new TrainingException($"{dir}: the demo's sample folder is missing from the build output");
    }

    static void PrintSummary(TrainOutput result, IReadOnlyList<DemoExample> examples)
    {
        var history = result.State.LogHistory;
        if (history.LastOrDefault(e => e.TrainLoss is not null) is { } summary)
            Console.WriteLine($"trained {result.State.GlobalStep} steps, train_loss {summary.TrainLoss:0.####}{(result.EarlyStopped ? " (early stopping)" : "")}");
        if (result.Evaluations.Count > 0)
        {
            var keys = result.Evaluations[^1].Evaluation.Metrics.Keys.ToList();
            Console.WriteLine();
            Console.WriteLine("step".PadLeft(8) + string.Concat(keys.Select(k => k.Replace("eval_", "").PadLeft(10))));
            foreach (var (step, evaluation) in result.Evaluations)
                Console.WriteLine((step == 0 ? "before" : step.ToString(CultureInfo.InvariantCulture)).PadLeft(8) +
                                  string.Concat(keys.Select(k => Format(k, evaluation.Metrics.GetValueOrDefault(k)).PadLeft(10))));
            if (result.State.BestModelCheckpoint is { } best)
                Console.WriteLine($"best {result.State.BestMetric:0.####} at {best}");
        }
        if (examples.Count > 0)
        {
            Console.WriteLine();
            foreach (var example in examples)
            {
                Console.WriteLine($"dialogue:  {example.Source.Replace("\n", " / ")}");
                Console.WriteLine($"reference: {example.Reference}");
                Console.WriteLine($"before:    {example.Before}");
                Console.WriteLine($"after:     {example.After}");
                Console.WriteLine();
            }
        }
        Console.WriteLine($"model saved in {result.FinalModelDir}");
    }

    internal static string Format(string key, double value) =>
        key.StartsWith("eval_rouge", StringComparison.Ordinal) ? (100 * value).ToString("0.00", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>One line per push of the run (push_to_hub): the commit, a skipped save, or why it failed (training goes on).</summary>
    static string PushLine(HubPushReport report) => report switch
    {
        { Result: { } r } => $"pushed {report.Source} to {r.Repo}/{report.PathInRepo}".TrimEnd('/') +
                             (r.NothingChanged ? " (unchanged)" : $" ({r.InlineFiles + r.LfsFiles} files, commit {r.CommitOid[..Math.Min(8, r.CommitOid.Length)]})"),
        { Skipped: true } => $"push of {report.Source} skipped: the previous push is still running (hub_always_push=true waits for it)",
        _ => $"push of {report.Source} failed (the run goes on; the files stay on disk): {report.Error}",
    };

    sealed class AtTrainBegin(Action action) : ITrainerCallback
    {
        public void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) => action();
    }
}
