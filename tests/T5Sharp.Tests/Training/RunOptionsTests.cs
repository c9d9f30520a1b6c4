using T5Sharp.Data;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Training;

/// <summary>Run options (one JSON + overrides, HF names and defaults) and the errors a user can cause before training.</summary>
public class RunOptionsTests
{
    [Fact]
    public void OverridesWinAndHfKeysReachTheTrainingArguments()
    {
        var options = RunOptions.Parse("""{"model": "m", "data": ["a.jsonl", "b.jsonl"], "learning_rate": 0.001, "report_to": "none"}""", "run.json",
            ["learning_rate=3e-4", "template=Summarize: {dialogue}", "shuffle=false", "freeze=[\"encoder\"]", "eval_strategy=epoch"]);
        Assert.Equal(3e-4, options.Training.LearningRate);
        Assert.Equal(["a.jsonl", "b.jsonl"], options.DataFiles);
        Assert.Equal("Summarize: {dialogue}", options.Template);
        Assert.False(options.Shuffle);
        Assert.Equal(["encoder"], options.Freeze);
        Assert.Equal("epoch", options.Training.EvalStrategy);
        // HF's defaults where nothing is said: save every 500 steps, no best metric, greater_is_better follows the metric
        Assert.Equal("steps", options.Training.SaveStrategy);
        Assert.Equal(500, options.Training.SaveSteps);
        Assert.Null(options.Training.BestMetricKey);
        // written back whole: the unknown HF key too
        var again = RunOptions.Parse(options.ToJson(), "resolved");
        Assert.Equal(3e-4, again.Training.LearningRate);
        Assert.Contains("\"report_to\": \"none\"", again.ToJson());
    }

    [Theory]
    [InlineData("eval_strategy=sometimes", "eval_strategy")]
    [InlineData("validation_split=1.5", "validation_split")]
    [InlineData("save_total_limit=0", "save_total_limit")]
    [InlineData("early_stopping_patience=2", "metric_for_best_model")]
    [InlineData("learning_rate", "expected key=value")]
    public void BadOptionsNameTheKey(string item, string named)
    {
        var e = Assert.Throws<TrainingException>(() => RunOptions.Parse("{}", "run.json", [item]));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void LoadBestModelNeedsMatchingStrategies()
    {
        var e = Assert.Throws<TrainingException>(() => RunOptions.Parse(null, "cli",
            ["load_best_model_at_end=true", "eval_strategy=steps", "save_strategy=epoch"]));
        Assert.Contains("save_strategy", e.Message);
        Assert.Equal("eval_loss", RunOptions.Parse(null, "cli", ["load_best_model_at_end=true", "eval_strategy=epoch", "save_strategy=epoch"]).Training.BestMetricKey);
        Assert.False(RunOptions.Parse(null, "cli", ["metric_for_best_model=loss"]).Training.ResolvedGreaterIsBetter);
        Assert.True(RunOptions.Parse(null, "cli", ["metric_for_best_model=rouge1"]).Training.ResolvedGreaterIsBetter);
    }

    [Fact]
    public void DataErrorsNameFileAndLine()
    {
        using var temp = new TempDir();
        using var pretrained = PretrainedT5.Load(Hf2ModelDir);
        File.WriteAllText(temp.File("bad.jsonl"), "{\"dialogue\": \"a\", \"summary\": \"b\"}\n{\"dialogue\": \"c\"}\n");
        RunOptions With(string file) => RunOptions.Parse(null, "cli",
            [$"data=\"{temp.File(file)}\"", "source_field=dialogue", "target_field=summary", $"output_dir=\"{temp.Path}\""]);

        var missing = Assert.Throws<DataException>(() => new Seq2SeqTrainer(With("bad.jsonl"), pretrained));
        Assert.Contains("bad.jsonl:2", missing.Message);
        Assert.Contains("summary", missing.Message);

        File.WriteAllText(temp.File("empty.jsonl"), "");
        var empty = Assert.Throws<DataException>(() => new Seq2SeqTrainer(With("empty.jsonl"), pretrained));
        Assert.Contains("empty", empty.Message);

        var absent = Assert.Throws<TrainingException>(() => new Seq2SeqTrainer(With("absent.jsonl"), pretrained));
        Assert.Contains("absent.jsonl: data file not found", absent.Message);
    }

    [Fact]
    public void FreezingTrainsOnlyWhatIsLeft()
    {
        using var model = LoadModel(Hf2ModelDir);
        int frozen = ParameterFreezing.Apply(model, ["encoder", "embeddings"]);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.True(frozen > 0);
        Assert.NotEmpty(trainable);
        Assert.All(trainable, name => Assert.StartsWith("decoder.", name));
        var e = Assert.Throws<TrainingException>(() => ParameterFreezing.Apply(model, ["encoders"]));
        Assert.Contains("'encoders' matches no parameter", e.Message);
    }
}
