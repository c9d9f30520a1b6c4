using System.Text.Json;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>The verbs end to end, as a user runs them, against transformers' outputs for the hf2 tiny model.</summary>
public class CliVerbTests
{
    static string Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");
    static JsonElement Generate32k => JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "generate_32k.json"))).RootElement;

    [Fact]
    public void GenerateMatchesTransformersGreedyText()
    {
        var fixture = Generate32k;
        string source = fixture.GetProperty("source_texts")[1].GetString()!;
        string expected = fixture.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "greedy")
            .GetProperty("decoded_skip_special")[1].GetString()!;
        var result = CliRunner.Run("generate", "--model", Model, "--input", source, "--max-new-tokens", "20", "--max-source-length", "128");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(expected, result.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public void GenerateTemplateFromRecordFieldsMatchesTransformersBeamSearch()
    {
        // The fixture's prompted source is the template applied to the raw DialogSum dialogue.
        var fixture = Generate32k;
        string prompt = fixture.GetProperty("prompt").GetString()!;
        var run = fixture.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "beam4_ret2");
        using var dir = new TempDir();
        var record = JsonDocument.Parse(File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl")).First()).RootElement;
        File.WriteAllText(dir.File("in.jsonl"), JsonSerializer.Serialize(new { dialogue = record.GetProperty("dialogue").GetString() }) + "\n");
        var result = CliRunner.Run("generate", "--model", Model, "--input-file", dir.File("in.jsonl"),
            "--template", prompt.Replace("\n", "\\n"), "--max-source-length", "128",
            "--num-beams", "4", "--num-return-sequences", "2", "--max-new-tokens", "20", "--length-penalty", "1.0", "--early-stopping", "true");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var expected = run.GetProperty("decoded_skip_special").EnumerateArray().Take(2).Select(e => e.GetString()).ToList();
        Assert.Equal(expected, lines.Select(l => l.GetProperty("generated").GetString()));
    }

    [Fact]
    public void ScorePrintsHfPerExampleLossesAndTheMean()
    {
        var fixture = Generate32k;
        string prompt = fixture.GetProperty("prompt").GetString()!;
        var expected = fixture.GetProperty("t5_score").GetProperty("records").EnumerateArray().Take(3).ToList();
        using var dir = new TempDir();
        var lines = File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl")).Take(3)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => JsonSerializer.Serialize(new
            {
                source = prompt.Replace("{dialogue}", r.GetProperty("dialogue").GetString()),
                target = r.GetProperty("summary1").GetString(),
            }));
        File.WriteAllLines(dir.File("data.jsonl"), lines);

        var result = CliRunner.Run("score", "--model", Model, "--data", dir.File("data.jsonl"), "--source-field", "source",
            "--target-field", "target", "--max-source-length", "128", "--max-target-length", "48", "--batch-size", "2");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var output = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, output.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i].GetProperty("mean_ce").GetDouble(), output[i].GetProperty("loss").GetDouble(), 1e-4);
            Assert.Equal(expected[i].GetProperty("n_label_tokens").GetInt32(), output[i].GetProperty("tokens").GetInt32());
        }
        Assert.Equal(expected.Average(e => e.GetProperty("mean_ce").GetDouble()), output[3].GetProperty("mean_loss").GetDouble(), 1e-4);
    }

    [Fact]
    public void TokenizeGivesTransformersIds()
    {
        var entry = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "tokenizer_real.json"))).RootElement
            .GetProperty("entries")[0];
        var result = CliRunner.Run("tokenize", "--model", SharedPaths.RealTokenizer, "--input", entry.GetProperty("text").GetString()!, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(entry.GetProperty("input_ids").EnumerateArray().Select(x => x.GetInt64()),
            json.GetProperty("ids").EnumerateArray().Select(x => x.GetInt64()));
    }

    [Fact]
    public void InitWritesAModelThatInfoDescribesAndGenerateRuns()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), """
            { "d_model": 32, "d_kv": 8, "d_ff": 64, "num_layers": 2, "num_decoder_layers": 1, "num_heads": 4,
              "feed_forward_proj": "gated-gelu", "tie_word_embeddings": false, "vocab_size": 32128, "unknown_key": [1, 2] }
            """);
        var init = CliRunner.Run("init", "--config", dir.File("config.json"), "--out", dir.File("model"), "--seed", "7",
            "--tokenizer", SharedPaths.RealTokenizer);
        Assert.True(init.ExitCode == 0, init.Stderr);
        var config = JsonDocument.Parse(File.ReadAllText(dir.File("model/config.json"))).RootElement;
        Assert.Equal("[1,2]", config.GetProperty("unknown_key").GetRawText().Replace(" ", "").Replace("\n", ""));

        // parameters: shared + lm_head (2 × 32128 × 32) + encoder 2 × (4·32·32 + 3·32·64 + 2·32) + bias 32·4
        // + decoder (8·32·32 + 3·32·64 + 3·32) + bias 32·4 + two final norms
        long expected = 2L * 32128 * 32 + 2 * (4 * 32 * 32 + 3 * 32 * 64 + 2 * 32) + 128 + (8 * 32 * 32 + 3 * 32 * 64 + 3 * 32) + 128 + 64;
        var info = CliRunner.Run("info", dir.File("model"));
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Contains($"{expected:N0}", info.Stdout);
        Assert.Contains("spiece.model", info.Stdout);

        var generate = CliRunner.Run("generate", "--model", dir.File("model"), "--input", "hello there", "--max-new-tokens", "3");
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        var again = CliRunner.Run("generate", "--model", dir.File("model"), "--input", "hello there", "--max-new-tokens", "3");
        Assert.Equal(generate.Stdout, again.Stdout); // greedy on fixed weights is deterministic
    }

    [Fact]
    public void UserErrorsGiveOneLineAndExitCode2()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.jsonl"), "{\"source\": \"a\", \"target\": \"b\"}\n{not json}\n");
        var badLine = CliRunner.Run("score", "--model", Model, "--data", dir.File("bad.jsonl"), "--source-field", "source", "--target-field", "target");
        Assert.Equal(2, badLine.ExitCode);
        Assert.StartsWith($"error: {dir.File("bad.jsonl")}:2: not valid JSON", badLine.Stderr);
        Assert.DoesNotContain("   at ", badLine.Stderr); // no stack trace

        var missingField = CliRunner.Run("generate", "--model", Model, "--input-file", dir.File("bad.jsonl"), "--field", "text");
        Assert.Equal(2, missingField.ExitCode);
        Assert.Contains($"{dir.File("bad.jsonl")}:1: no field 'text'", missingField.Stderr);

        var noModel = CliRunner.Run("generate", "--model", dir.File("nothing"), "--input", "x");
        Assert.Equal(2, noModel.ExitCode);
        Assert.Equal($"error: '{dir.File("nothing")}' is not an existing local path, nor a Hub name of the form owner/name[@revision].",
            noModel.Stderr.Trim());
    }
}
