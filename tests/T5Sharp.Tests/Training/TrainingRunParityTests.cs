using System.Text.Json;
using System.Text.Json.Nodes;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Training;

/// <summary>
/// hf2/trainer_runs/run_c end to end through a <see cref="Seq2SeqTrainer"/> built from run options: the data read from DialogSum's files (first 64
/// train / 16 dev records, the prompt, file order), transformers' recorded arguments (eval and save every 4 steps,
/// predict_with_generate, metric_for_best_model rouge1) — the run must reproduce HF's log_history (losses, eval_loss,
/// ROUGE, gen_len), generated texts, best metric and checkpoint, and final parameters, and leave a complete run folder.
/// </summary>
public class TrainingRunParityTests
{
    const double Relative = 1e-4;

    [Fact]
    public void RunCMatchesTransformers()
    {
        var fixture = new TrainerRunFixture("run_c");
        using var temp = new TempDir();
        var arguments = JsonNode.Parse(fixture.Run.GetProperty("training_arguments_to_dict").GetRawText())!.AsObject();
        arguments["output_dir"] = temp.Path;
        arguments["model"] = Hf2ModelDir;
        arguments["data"] = Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.train.jsonl");
        arguments["eval_data"] = Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.dev.jsonl");
        arguments["max_train_samples"] = 64;
        arguments["max_eval_samples"] = 16;
        arguments["template"] = fixture.Run.GetProperty("data").GetProperty("prompt").GetString();
        arguments["target_field"] = "summary";
        arguments["max_source_length"] = 128;
        arguments["max_target_length"] = 48;
        arguments["shuffle"] = false;
        arguments["rouge_split_sentences"] = false; // the fixture's compute_metrics splits no sentences
        var options = RunOptions.Parse(arguments.ToJsonString(), "run_c arguments");

        using var pretrained = PretrainedT5.Load(options.Model!);
        var result = new Seq2SeqTrainer(options, pretrained).Train();

        // the generated texts of both evaluations are transformers' own
        var evaluations = fixture.Run.GetProperty("evaluations").EnumerateArray().ToList();
        Assert.Equal(evaluations.Count, result.Evaluations.Count);
        for (int e = 0; e < evaluations.Count; e++)
            Assert.Equal(evaluations[e].GetProperty("generated_texts").EnumerateArray().Select(t => t.GetString()!),
                result.Evaluations[e].Evaluation.Predictions);

        // log_history: 8 training logs, evaluations at steps 4 and 8, the closing train_loss
        var want = fixture.Run.GetProperty("log_history").EnumerateArray().ToList();
        var got = result.State.LogHistory;
        Assert.Equal(want.Count, got.Count);
        for (int i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i].GetProperty("step").GetInt64(), got[i].Step);
            foreach (var property in want[i].EnumerateObject().Where(p => p.Name != "total_flos"))
            {
                double expected = property.Value.GetDouble();
                double actual = Value(got[i], property.Name);
                double tolerance = property.Name switch
                {
                    "loss" => 1.000001e-4, // HF rounds to 4 decimals; ours may round the other way at a ...5
                    "eval_gen_len" or "step" or "epoch" => 0,
                    "eval_rouge1" or "eval_rouge2" or "eval_rougeL" or "eval_rougeLsum" => 1e-9,
                    _ => Relative * Math.Max(1, Math.Abs(expected)),
                };
                Assert.True(Math.Abs(expected - actual) <= tolerance,
                    $"log_history[{i}] {property.Name}: ours {actual}, HF {expected}");
            }
        }

        var state = fixture.Run.GetProperty("state");
        Assert.Equal(state.GetProperty("best_metric").GetDouble(), result.State.BestMetric!.Value, 9);
        Assert.Equal("checkpoint-8", Path.GetFileName(result.State.BestModelCheckpoint));
        Assert.Empty(fixture.FinalParameterMismatches(pretrained.Model, 1e-4));

        // the run folder: resolved options, one metrics line per log entry, complete checkpoints, a loadable final model
        Assert.Equal("rouge1", RunOptions.Load(temp.File(RunOptions.FileName)).Training.MetricForBestModel);
        Assert.Equal(got.Count, File.ReadAllLines(temp.File(MetricsLog.FileName)).Length);
        foreach (var checkpoint in new[] { "checkpoint-4", "checkpoint-8" })
            foreach (var file in new[] { "config.json", "generation_config.json", "model.safetensors", "spiece.model", "tokenizer_config.json",
                         TrainerState.FileName, TrainerCheckpoint.OptimizerFile, TrainerCheckpoint.RngStateFile })
                Assert.True(File.Exists(Path.Combine(temp.Path, checkpoint, file)), $"{checkpoint} lacks {file}");
        using var final = PretrainedT5.Load(result.FinalModelDir!);
        Assert.Empty(fixture.FinalParameterMismatches(final.Model, 1e-4));
    }

    static double Value(LogHistoryEntry entry, string key) => key switch
    {
        "loss" => entry.Loss!.Value,
        "grad_norm" => entry.GradNorm!.Value,
        "learning_rate" => entry.LearningRate!.Value,
        "train_loss" => entry.TrainLoss!.Value,
        "epoch" => entry.Epoch!.Value,
        "step" => entry.Step,
        _ => entry.Other is { } other && other.TryGetValue(key, out var v) ? v.GetDouble()
            : throw new Xunit.Sdk.XunitException($"log entry of step {entry.Step} lacks {key}"),
    };
}
