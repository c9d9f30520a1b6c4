using System.Text.Json;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;

namespace T5Sharp.Training;

/// <summary>
/// The offline demo run from a samples folder (dialogues.jsonl, a small T5 config.json and FLAN-T5's tokenizer files):
/// a random model with that config learns the dialogue summaries, 10 % held out, ROUGE before (eval_on_start) and
/// after each epoch; <see cref="BeforeAfter"/> picks held-out examples to show what training changed.
/// </summary>
public sealed class DemoRun
{
    public const string DataFileName = "dialogues.jsonl";
    public const string ConfigFileName = "config.json";

    public DemoRun(string samplesDir)
    {
        foreach (string file in new[] { DataFileName, ConfigFileName })
            if (!File.Exists(Path.Combine(samplesDir, file)))
                throw new TrainingException($"{Path.Combine(samplesDir, file)}: the demo's sample file is missing");
        SamplesDir = samplesDir;
    }

    public string SamplesDir { get; }

    /// <summary>The demo's run options as <c>key=value</c> overrides (later overrides, such as the user's --set, win).</summary>
    public IReadOnlyList<string> Overrides(string outputDir) =>
    [
        $"data={JsonSerializer.Serialize(Path.Combine(SamplesDir, DataFileName))}",
        "validation_split=0.1", "source_field=\"dialogue\"", "target_field=\"summary\"", "template=\"Summarize: {dialogue}\"",
        "max_source_length=128", "max_target_length=48", $"output_dir={JsonSerializer.Serialize(outputDir)}",
        "num_train_epochs=12", "per_device_train_batch_size=16", "learning_rate=0.003", "warmup_ratio=0.05", "logging_steps=10",
        "eval_strategy=\"epoch\"", "eval_on_start=true", "predict_with_generate=true", "generation_max_length=48",
        "save_strategy=\"epoch\"", "save_total_limit=1", "metric_for_best_model=\"rouge1\"", "seed=0",
        "report_to=\"tensorboard\"",
        // the demo is meant to be run again: each run replaces the previous one in its folder
        "overwrite_output_dir=true",
    ];

    /// <summary>
    /// A random model with the samples' config and tokenizer, initialised as transformers does with the run's seed,
    /// written to output_dir/init; sets <paramref name="options"/>' model to it and returns the folder.
    /// </summary>
    public string CreateModel(RunOptions options)
    {
        string dir = Path.Combine(options.Training.OutputDir, "init");
        var config = T5Config.Load(Path.Combine(SamplesDir, ConfigFileName));
        using var model = RandomModel.Create(config, options.Training.Seed);
        ModelFolder.Save(dir, config, model.state_dict(), tokenizerSourceDir: SamplesDir);
        options.Model = dir;
        return dir;
    }

    /// <summary>The first <paramref name="count"/> held-out examples with the generated texts of the first and last evaluation.</summary>
    public static IReadOnlyList<DemoExample> BeforeAfter(Seq2SeqTrainer trainer, TrainOutput result, int count = 3)
    {
        if (trainer.Data is not { } data || result.Evaluations.Count == 0 || result.Evaluations[^1].Evaluation.Predictions.Count == 0) return [];
        var before = result.Evaluations[0].Evaluation.Predictions;
        var after = result.Evaluations[^1].Evaluation.Predictions;
        return Enumerable.Range(0, Math.Min(count, after.Count))
            .Select(i => new DemoExample(data.EvalExamples[i].Source, data.EvalExamples[i].Target, before[i], after[i]))
            .ToList();
    }
}
