using T5Sharp.Tests.Support;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>What a user gives is checked: a misspelled option must not train with a default, and HF options we lack are named.</summary>
public class RunOptionKeysTests
{
    [Theory]
    [InlineData("learing_rate=1e-3", "learning_rate")]
    [InlineData("num_train_epoch=2", "num_train_epochs")]
    [InlineData("per_device_train_batchsize=4", "per_device_train_batch_size")]
    [InlineData("max_source_lenght=64", "max_source_length")]
    public void AMisspelledOverrideIsAnErrorSuggestingTheNearestKnownOption(string set, string suggestion)
    {
        var e = Assert.Throws<TrainingException>(() => RunOptions.Parse(null, "command line", [set]));
        Assert.Contains($"unknown run option {set[..set.IndexOf('=')]}", e.Message);
        Assert.Contains($"did you mean {suggestion}?", e.Message);
    }

    [Fact]
    public void AMisspelledKeyInRunJsonIsAnErrorNamingTheFile()
    {
        var e = Assert.Throws<TrainingException>(() => RunOptions.Parse("{\"learning_rate\": 1e-3, \"num_train_epoch\": 2}", "run.json"));
        Assert.Equal("run.json: unknown run option num_train_epoch; did you mean num_train_epochs?", e.Message);
        e = Assert.Throws<TrainingException>(() => RunOptions.Parse("{\"zzzzzzzz\": 1}", "run.json"));
        Assert.Equal("run.json: unknown run option zzzzzzzz", e.Message);
    }

    [Fact]
    public void HfArgumentsWeDoNotImplementAreNamedErrorsWhenTheyWouldChangeResults()
    {
        var e = Assert.Throws<TrainingException>(() => RunOptions.Parse(null, "command line", ["fp16=true"]));
        Assert.Contains("fp16 is a transformers training argument that T5Sharp does not implement", e.Message);
        Assert.Contains("change the results", e.Message);
        Assert.Throws<TrainingException>(() => RunOptions.Parse("{\"deepspeed\": \"ds.json\"}", "run.json"));

        // at transformers' default it changes nothing: a warning that names it
        var options = RunOptions.Parse("{\"fp16\": false, \"dataloader_num_workers\": 2, \"gradient_checkpointing\": true}", "run.json");
        Assert.Equal(3, options.Warnings.Count);
        Assert.Contains(options.Warnings, w => w.Contains("fp16") && w.Contains("transformers' default"));
        Assert.Contains(options.Warnings, w => w.Contains("gradient_checkpointing") && w.Contains("does not change the results"));
    }

    [Fact]
    public void KnownOptionsComeFromTheProperties()
    {
        // a property of TrainingArguments or RunOptions is an option, with no second list to keep
        Assert.Contains("overwrite_output_dir", RunOptionKeys.TrainingKeys);
        Assert.Contains("hub_always_push", RunOptionKeys.TrainingKeys);
        Assert.Contains("early_stopping_patience", RunOptionKeys.RunKeys);
        Assert.DoesNotContain(RunOptionKeys.All, k => HfTrainingArgumentNames.Contains(k) && k != "report_to" && k != "logging_dir");
        var options = RunOptions.Parse(null, "command line", ["learning_rate=1e-3", "overwrite_output_dir=true"]);
        Assert.Equal(1e-3, options.Training.LearningRate);
        Assert.True(options.Training.OverwriteOutputDir);
        Assert.Empty(options.Warnings);
    }

    [Fact]
    public void FilesTransformersWroteStayReadable()
    {
        // a checkpoint's training_args.json holds every HF field: read leniently, unknown keys kept
        var args = new TrainerRunFixture("run_a").Arguments();
        Assert.False(TrainingArguments.FromJson(args.ToJson(), "training_args.json").Other!["fp16"].GetBoolean());
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("learing_rate", "learning_rate", 1)]
    [InlineData("", "abc", 3)]
    public void EditDistanceIsLevenshtein(string a, string b, int distance) => Assert.Equal(distance, RunOptionKeys.EditDistance(a, b));
}
