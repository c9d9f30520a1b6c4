using System.Globalization;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using YamlDotNet.RepresentationModel;

namespace T5Sharp.Tests.Training;

/// <summary>
/// final/README.md in transformers' model-card format: the YAML front matter parses (YamlDotNet), its model-index values
/// are the last evaluation's, the hyperparameters and the results table are the run's; a LoRA run's card has peft's fields.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public class ModelCardTests(RunTrackingFixture run) : IClassFixture<RunTrackingFixture>
{
    static (YamlMappingNode Front, string Body) Read(string finalDir)
    {
        string text = File.ReadAllText(Path.Combine(finalDir, "README.md"));
        Assert.StartsWith("---\n", text);
        int end = text.IndexOf("\n---\n", 4, StringComparison.Ordinal);
        Assert.True(end > 0, "no closing --- of the front matter");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text[4..(end + 1)]));
        return ((YamlMappingNode)yaml.Documents[0].RootNode, text[(end + 5)..]);
    }

    static string S(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node)[key]).Value!;
    static YamlSequenceNode Seq(YamlNode node, string key) => (YamlSequenceNode)((YamlMappingNode)node)[key];

    [Fact]
    public void FrontMatterParsesAndModelIndexHoldsTheFinalMetrics()
    {
        var (front, _) = Read(run.Result.FinalModelDir!);
        Assert.Equal("transformers", S(front, "library_name"));
        Assert.Equal(["generated_from_trainer"], Seq(front, "tags").Select(t => ((YamlScalarNode)t).Value));
        Assert.Equal(["pairs"], Seq(front, "datasets").Select(t => ((YamlScalarNode)t).Value));
        Assert.Equal(["rouge"], Seq(front, "metrics").Select(t => ((YamlScalarNode)t).Value));
        Assert.False(front.Children.ContainsKey("base_model")); // a local random init: "trained from scratch", as transformers
        var index = Assert.Single(Seq(front, "model-index"));
        Assert.Equal("tracked-run", S(index, "name"));
        var result = Assert.Single(Seq(index, "results"));
        Assert.Equal("text2text-generation", S(((YamlMappingNode)result)["task"], "type"));
        Assert.Equal("pairs", S(((YamlMappingNode)result)["dataset"], "name"));
        var metric = Assert.Single(Seq(result, "metrics"));
        Assert.Equal("Rouge1", S(metric, "name"));
        Assert.Equal("rouge", S(metric, "type"));
        double last = run.Result.Evaluations[^1].Evaluation.Metrics["eval_rouge1"];
        Assert.Equal(last, double.Parse(S(metric, "value"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void BodyListsTheRunsHyperparametersResultsAndVersions()
    {
        var (_, body) = Read(run.Result.FinalModelDir!);
        var args = run.Options.Training;
        Assert.Contains("# tracked-run\n\nThis model was trained from scratch on the pairs dataset.\n", body);
        Assert.Contains("It achieves the following results on the evaluation set:\n- Loss: ", body);
        string[] expected =
        [
            "- learning_rate: 0.003", "- train_batch_size: 4", "- eval_batch_size: 4", "- seed: 7", "- gradient_accumulation_steps: 2",
            "- total_train_batch_size: 8",
            "- optimizer: Use adamw_torch with betas=(0.9,0.999) and epsilon=1e-08 and optimizer_args=No additional optimizer arguments",
            "- lr_scheduler_type: linear", "- lr_scheduler_warmup_steps: 5", "- training_steps: 6",
        ];
        Assert.Contains("The following hyperparameters were used during training:\n" + string.Join("\n", expected) + "\n", body);
        Assert.Equal(0.003, args.LearningRate);

        // one row per evaluation: "No log" before the first training log, then the last logged loss
        var rows = body.Split('\n').SkipWhile(l => !l.StartsWith("| Training Loss")).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal(2 + 3, rows.Count);
        var header = Cells(rows[0]);
        Assert.Equal(["Training Loss", "Epoch", "Step", "Validation Loss"], header.Take(4));
        Assert.Contains("Rouge1", header);
        Assert.Contains("Rougel", header); // Python's capitalize() of rougeL
        var history = run.Result.State.LogHistory;
        var evaluations = run.Result.Evaluations;
        for (int i = 0; i < 3; i++)
        {
            var cells = Cells(rows[2 + i]);
            long step = evaluations[i].Step;
            var lastLoss = history.LastOrDefault(e => e.Loss is not null && e.Step <= step)?.Loss;
            Assert.Equal(lastLoss is null ? "No log" : PythonRepr.MaybeRound(lastLoss.Value), cells[0]);
            Assert.Equal(step.ToString(), cells[2]);
            Assert.Equal(evaluations[i].Evaluation.Metrics["eval_loss"], double.Parse(cells[3], CultureInfo.InvariantCulture), 4);
            Assert.Equal(evaluations[i].Evaluation.Metrics["eval_rouge1"], double.Parse(cells[header.IndexOf("Rouge1")], CultureInfo.InvariantCulture), 4);
        }
        Assert.Contains("### Framework versions\n\n- T5Sharp ", body);
        Assert.Contains("- TorchSharp 0.107", body);
    }

    static List<string> Cells(string row) => row.Trim('|').Split('|').Select(c => c.Trim()).ToList();

    [Theory]
    [InlineData(5e-05, "5e-05")]
    [InlineData(0.003, "0.003")]
    [InlineData(12.0, "12.0")]
    [InlineData(1e-08, "1e-08")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e-05, "1.5e-05")]
    [InlineData(0.999, "0.999")]
    public void FloatsPrintAsPythonsStr(double value, string python) => Assert.Equal(python, PythonRepr.Float(value));

    [Theory]
    [InlineData(0.123, "0.123")]
    [InlineData(0.35123456, "0.3512")]
    [InlineData(2.0, "2.0")]
    public void MaybeRoundKeepsFourDecimals(double value, string python) => Assert.Equal(python, PythonRepr.MaybeRound(value));

    [Fact]
    public void ALoraRunsCardHasPeftsFields()
    {
        using var temp = new TempDir();
        string data = TrainingRunEndToEndTests.WriteData(temp);
        string model = TrainingRunEndToEndTests.WriteModel(temp, 0.0);
        var options = TrainingRunEndToEndTests.Options(model, data, temp.File("lora-run"), "max_steps=2", "lora=r=4,alpha=8,targets=q,v",
            "eval_strategy=steps", "eval_steps=2", "predict_with_generate=true", "generation_max_length=8", "num_train_epochs=3");
        using var pretrained = PretrainedT5.Load(options.Model!);
        var result = new Seq2SeqTrainer(options, pretrained).Train();
        Assert.True(File.Exists(Path.Combine(result.FinalModelDir!, "adapter_config.json")));
        var (front, body) = Read(result.FinalModelDir!);
        Assert.Equal("peft", S(front, "library_name"));
        Assert.Equal(model, S(front, "base_model"));
        Assert.Equal([$"base_model:adapter:{model}", "lora", "transformers", "generated_from_trainer"],
            Seq(front, "tags").Select(t => ((YamlScalarNode)t).Value));
        var metric = Assert.Single(Seq(Assert.Single(Seq(Assert.Single(Seq(front, "model-index")), "results")), "metrics"));
        Assert.Equal(result.Evaluations[^1].Evaluation.Metrics["eval_rouge1"], double.Parse(S(metric, "value"), CultureInfo.InvariantCulture));
        Assert.Contains("- training_steps: 2\n", body);
        Assert.Contains("- PEFT", body);
    }
}
