using System.Text.Json;
using T5Sharp.Cli;
using T5Sharp.Evaluation;
using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Evaluation;
using T5Sharp.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Cli;

/// <summary>
/// Issue 16, items 1, 6, 7, 9: out-of-vocabulary ids never abort a run and its finished work is kept; long verbs show
/// progress on stderr (stdout stays data); truncation is said; option mistakes get one line and exit 2.
/// </summary>
public class CliRobustnessTests
{
    static string Model => EvaluateCliTests.Model;
    static readonly Dictionary<string, string> EveryUpdate = new() { [ProgressReporter.PeriodVariable] = "0" };
    static readonly Lazy<string> _oovModel = new(CreateOovModel);
    static readonly Lazy<T5Sharp.Tokenization.T5Tokenizer> _tokenizer = new(() => T5Sharp.Tokenization.T5Tokenizer.FromFolder(Model));
    static T5Sharp.Tokenization.T5Tokenizer Tokenizer => _tokenizer.Value;

    /// <summary>
    /// The tiny 32k model with lm_head rows 32101 = v and 32102 = −v and every other row 0: one of the two always has the
    /// largest logit (h·v or −h·v is positive, and scaled so far above the zeros that sampling picks it too), so every generated id lies past the tokenizer's 32,100 ids — the
    /// situation of a random or lightly trained FLAN-T5 (32,128 output rows).
    /// </summary>
    static string CreateOovModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"t5sharp-oov-model-{Environment.ProcessId}");
        using var pretrained = PretrainedT5.Load(Model);
        using (no_grad())
        {
            var w = pretrained.Model.LmHead!.weight!;
            var v = w[32101].clone() * 1e4f; // large enough that sampling picks it too
            w.zero_();
            w[32101] = v;
            w[32102] = -v;
        }
        pretrained.Save(dir);
        return dir;
    }

    [Fact]
    public void The_oov_model_really_emits_ids_the_tokenizer_lacks()
    {
        using var pretrained = PretrainedT5.Load(_oovModel.Value);
        var enc = pretrained.Tokenizer.EncodeBatch(["Summarize: hello there"]);
        using var scope = NewDisposeScope();
        var output = Seq2SeqGenerator.Generate(pretrained.Model, T5Sharp.Data.Batches.ToTensor(enc.InputIds),
            T5Sharp.Data.Batches.ToTensor(enc.AttentionMask), GenerationConfigJson.ForModel(pretrained) with { MaxNewTokens = 4, MinNewTokens = 4 });
        var generated = output.Sequences[0].Skip(1).ToArray();
        Assert.Equal(4, generated.Length);
        Assert.All(generated, id => Assert.InRange(id, 32101, 32102));
    }

    [Theory]
    [InlineData("greedy")]
    [InlineData("beams")]
    [InlineData("sampling")]
    public void Evaluate_with_a_model_that_emits_oov_ids_completes_and_writes_everything(string decoding)
    {
        using var dir = new TempDir();
        var (data, _) = EvaluateCliTests.WriteData(dir);
        string[] strategy = decoding switch
        {
            "beams" => ["--num-beams", "2"],
            "sampling" => ["--do-sample", "true", "--seed", "3"],
            _ => [],
        };
        var result = CliRunner.Run([
            "evaluate", "--model", _oovModel.Value, "--data", data, "--source-field", "prompt", "--reference-field", "summary1",
            "--max-new-tokens", "6", "--batch-size", "3", "--out", dir.File("out"), .. strategy]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var predictions = PredictionsFile.Read(dir.File("out/predictions.jsonl"));
        Assert.Equal(4, predictions.Count);
        Assert.All(predictions, p => Assert.Equal("", p.Prediction)); // as T5TokenizerFast: ids without a token give no text
        Assert.All(predictions, p => Assert.Contains("rouge1", p.Scores.Keys)); // the final file is the scored one
        Assert.Equal(4, MetricsFile.Read(dir.File("out/metrics.json")).ExampleCount);
    }

    [Fact]
    public void An_interrupted_evaluation_keeps_the_predictions_made_so_far()
    {
        using var dir = new TempDir();
        string path = dir.File("out/predictions.jsonl");
        string[] sources = ["a", "b", "c", "d", "e"];
        var references = sources.Select(s => (IReadOnlyList<string>)[s + " ref"]).ToList();
        int calls = 0;
        using (var writer = new PredictionsWriter(path))
        {
            var e = Assert.Throws<InvalidOperationException>(() => Evaluator.Evaluate(sources, references, chunk =>
                {
                    if (++calls == 3) throw new InvalidOperationException("interrupted");
                    return chunk.Select(s => s.ToUpperInvariant()).ToList();
                }, new EvaluatorOptions { ChunkSize = 2, MetricNames = ["rouge1"] }, writer.Append));
            Assert.Equal("interrupted", e.Message);
        }
        var kept = PredictionsFile.Read(path);
        Assert.Equal(["A", "B", "C", "D"], kept.Select(p => p.Prediction));
        Assert.Equal(["a ref", "b ref", "c ref", "d ref"], kept.Select(p => p.References[0]));
        Assert.Equal([0, 1, 2, 3], kept.Select(p => p.Index));
    }

    [Fact]
    public void Generate_from_a_file_writes_each_batch_as_it_is_made_with_progress_on_stderr()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("in.jsonl"), ["{\"text\": \"one two\"}", "{\"text\": \"three\"}", "{\"text\": \"four five six\"}"]);
        var result = CliRunner.RunWith(EveryUpdate, "generate", "--model", _oovModel.Value, "--input-file", dir.File("in.jsonl"),
            "--field", "text", "--max-new-tokens", "3", "--batch-size", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal("", JsonDocument.Parse(l).RootElement.GetProperty("generated").GetString()));
        foreach (int done in new[] { 1, 2, 3 }) Assert.Contains($"generate: {done}/3 inputs", result.Stderr);
    }

    /// <summary>Three prompted DialogSum records (each well over 16 tokens) as source/target pairs.</summary>
    static string ScoreData(TempDir dir, out List<string> sources)
    {
        var (data, _) = EvaluateCliTests.WriteData(dir);
        var records = File.ReadLines(data).Take(3).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        sources = records.Select(r => r.GetProperty("prompt").GetString()!).ToList();
        File.WriteAllLines(dir.File("pairs.jsonl"), records.Select(r => JsonSerializer.Serialize(new
            { source = r.GetProperty("prompt").GetString(), target = r.GetProperty("summary1").GetString() })));
        return dir.File("pairs.jsonl");
    }

    [Fact]
    public void Score_shows_progress_and_the_truncation_on_stderr_and_keeps_stdout_unchanged()
    {
        using var dir = new TempDir();
        string pairs = ScoreData(dir, out var sources);
        string[] args = ["score", "--model", Model, "--data", pairs, "--source-field", "source", "--target-field", "target",
            "--max-source-length", "16", "--batch-size", "1"];
        var quiet = CliRunner.RunWith(new Dictionary<string, string> { [ProgressReporter.PeriodVariable] = "3600" }, args);
        var verbose = CliRunner.RunWith(EveryUpdate, args);
        Assert.True(verbose.ExitCode == 0, verbose.Stderr);
        Assert.Equal(quiet.Stdout, verbose.Stdout);
        Assert.Equal(4, verbose.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (int done in new[] { 1, 2, 3 }) Assert.Contains($"score: {done}/3 examples", verbose.Stderr);
        Assert.Matches(@"score: 3/3 examples \(100%\), [0-9.]+ examples/s", verbose.Stderr);
        // with a long period: the first update and the last, nothing between
        Assert.Contains("score: 1/3 examples", quiet.Stderr);
        Assert.DoesNotContain("score: 2/3 examples", quiet.Stderr);
        Assert.Contains("score: 3/3 examples", quiet.Stderr);

        int longest = sources.Max(s => Tokenizer.Encode(s).Length);
        Assert.Contains($"score: truncated 3 of 3 sources to 16 tokens (the longest had {longest})", verbose.Stderr);
    }

    [Fact]
    public void Generate_and_evaluate_say_what_max_source_length_cut()
    {
        using var dir = new TempDir();
        var (data, _) = EvaluateCliTests.WriteData(dir);
        var evaluate = CliRunner.RunWith(EveryUpdate, "evaluate", "--model", Model, "--data", data, "--source-field", "prompt",
            "--reference-field", "summary1", "--max-new-tokens", "3", "--max-source-length", "20", "--batch-size", "2");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains("evaluate: 2/4 examples", evaluate.Stderr);
        Assert.Contains("evaluate: 4/4 examples", evaluate.Stderr);
        Assert.Matches(@"evaluate: truncated 4 of 4 inputs to 20 tokens \(the longest had \d+\); --max-source-length sets the limit", evaluate.Stderr);
        Assert.DoesNotContain("evaluate:", evaluate.Stdout);

        var generate = CliRunner.Run("generate", "--model", Model, "--input", "one two three four five six seven eight nine ten",
            "--max-source-length", "4", "--max-new-tokens", "2");
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        int length = Tokenizer.Encode("one two three four five six seven eight nine ten").Length;
        Assert.Contains($"generate: truncated 1 of 1 inputs to 4 tokens (the longest had {length})", generate.Stderr);
        var fits = CliRunner.Run("generate", "--model", Model, "--input", "one two", "--max-new-tokens", "2");
        Assert.DoesNotContain("truncated", fits.Stderr);
    }

    [Theory]
    [InlineData("generate --model m --bogus 1", "Unrecognized command or argument '--bogus'.", "t5sharp generate --help")]
    [InlineData("evaluate --limit abc", "'--limit' as a whole number", "t5sharp evaluate --help")]
    [InlineData("evaluate --rouge-lsum-split words", "'sentences' 'newline'", "t5sharp evaluate --help")]
    [InlineData("nosuchverb", "Unrecognized command or argument 'nosuchverb'.", "t5sharp --help")]
    public void Parse_errors_print_one_line_with_a_pointer_to_help_and_exit_2(string line, string message, string help)
    {
        var result = CliRunner.Run(line.Split(' '));
        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(message, lines[0]);
        Assert.Contains($"See '{help}'.", lines[0]);
        Assert.DoesNotContain("System.", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void An_unknown_metric_fails_before_the_model_is_even_looked_for()
    {
        var result = CliRunner.Run("evaluate", "--model", "/no/such/model", "--data", "/no/such/data.jsonl", "--metrics", "rouge,bert");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Unknown metric 'bert': expected rouge, rouge1..rouge9, rougeL, rougeLsum, bleu or chrf.\n", result.Stderr);
    }

    [Fact]
    public void User_errors_do_not_show_dotnet_parameter_names()
    {
        Assert.Equal("limit must be positive", UserMessage.Of(new ArgumentException("limit must be positive", "limit")));
        Assert.Equal("n must be at least 1", UserMessage.Of(new ArgumentOutOfRangeException("n", 0, "n must be at least 1")));
        var result = CliRunner.Run("evaluate", "--predictions", "/x.jsonl", "--model", "m");
        Assert.Equal("error: give either --predictions FILE or --model DIR with --data FILE, not both\n", result.Stderr);
    }

    [Fact]
    public void Info_of_an_adapter_folder_describes_the_adapter()
    {
        string adapter = Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv");
        var result = CliRunner.Run("info", adapter);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(adapter, "adapter_config.json"))).RootElement;
        Assert.Contains($"adapter folder  {adapter}", result.Stdout);
        Assert.Contains($"rank / alpha    r {config.GetProperty("r").GetInt32()}, lora_alpha {config.GetProperty("lora_alpha").GetInt32()}", result.Stdout);
    }

    [Fact]
    public void Evaluate_offers_evaluates_newline_only_rougeLsum_and_says_which_split_it_used()
    {
        using var dir = new TempDir();
        // Two sentences on one line: the rule-based splitter separates them, evaluate.load("rouge") does not.
        File.WriteAllLines(dir.File("p.jsonl"),
        [
            JsonSerializer.Serialize(new { prediction = "The cat sat. The dog ran away quickly.", reference = "The dog ran. The cat sat down quickly." }),
            JsonSerializer.Serialize(new { prediction = "Bob calls Ann. She is out.", reference = "Ann is out. Bob calls her later." }),
        ]);
        var preds = new[] { "The cat sat. The dog ran away quickly.", "Bob calls Ann. She is out." };
        var refs = new[] { "The dog ran. The cat sat down quickly.", "Ann is out. Bob calls her later." };
        double Expected(bool split) => Metrics.Compute(["rougeLsum"], preds, refs,
            new MetricOptions { SplitSentencesForLsum = split, RougeAsPercent = true })["rougeLsum"];
        Assert.NotEqual(Expected(true), Expected(false), 6); // else the test could not tell the two apart

        foreach (var (name, split) in new[] { ("newline", false), ("sentences", true) })
        {
            var writer = new StringWriter();
            var stdout = Console.Out;
            Console.SetOut(writer);
            int code;
            try
            {
                code = EvaluateCliTests.Invoke(T5Sharp.Cli.Commands.EvaluateCommand.Create(), "--predictions", dir.File("p.jsonl"),
                    "--metrics", "rougeLsum", "--rouge-lsum-split", name, "--out", dir.File(name));
            }
            finally { Console.SetOut(stdout); }
            Assert.Equal(0, code);
            var summary = MetricsFile.Read(dir.File($"{name}/metrics.json"));
            Assert.Equal(name, summary.RougeLsumSplit);
            Assert.Equal(Expected(split), summary.Metrics["rougeLsum"], 9);
            Assert.Contains(split ? "rougeLsum: sentences split by a rule-based splitter" : "rougeLsum: sentences split only at newlines", writer.ToString());
        }
    }

    [Fact]
    public void A_mistyped_config_value_is_named_by_key_and_line_in_plain_words()
    {
        using var dir = new TempDir();
        string config = File.ReadAllText(Path.Combine(Model, "config.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(config)!;
        node["d_model"] = "sixty-four";
        File.WriteAllText(dir.File("config.json"), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var e = Assert.Throws<T5Sharp.Formats.CheckpointException>(() => T5Sharp.Modeling.T5Config.Load(dir.File("config.json")));
        Assert.Contains("key 'd_model' (line ", e.Message);
        Assert.Contains("expected a whole number", e.Message);
        Assert.DoesNotContain("System.", e.Message);
        Assert.DoesNotContain("Path: $", e.Message);
    }
}
