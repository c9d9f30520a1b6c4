using System.Text.Json;
using T5Sharp.Generation;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Generation;

/// <summary>Greedy runs of transformers' generate(): identical ids and per-step processed scores within 1e-4.</summary>
public class GreedyDecodingTests
{
    static GenerationConfig OptionsOf(JsonElement kwargs) => new()
    {
        MaxNewTokens = kwargs.GetProperty("max_new_tokens").GetInt32(),
        MinNewTokens = kwargs.TryGetProperty("min_new_tokens", out var min) ? min.GetInt32() : 0,
    };

    static void AssertRunMatches(JsonElement run, GenerationOutput output)
    {
        string name = run.GetProperty("name").GetString()!;
        var result = (Sequences: output.Sequences, Scores: output.ChosenTokenScores!);
        Assert.Equal(LongRows(run.GetProperty("sequences")), result.Sequences);
        var scores = FloatMatrix(run.GetProperty("chosen_token_processed_scores_per_step"));
        Assert.Equal(scores.Length, result.Scores.Length);
        for (int step = 0; step < scores.Length; step++)
            for (int row = 0; row < scores[step].Length; row++)
                Assert.True(Math.Abs(scores[step][row] - result.Scores[step][row]) < 1e-4,
                    $"{name}: step {step} row {row}: {result.Scores[step][row]} vs HF {scores[step][row]}");
    }

    [Theory]
    [InlineData("tiny-flan", "greedy")]
    [InlineData("tiny-flan", "greedy_min5_max12")]
    [InlineData("tiny-t5v1", "greedy")]
    [InlineData("tiny-t5v1", "greedy_min5_max12")]
    public void TinyModelsMatchHfGenerate(string modelName, string runName)
    {
        using var model = LoadModel(HfModelDir(modelName));
        var run = HfReference(modelName).GetProperty("generate").GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == runName);
        var (inputIds, mask, _) = HfBatch();
        AssertRunMatches(run, Seq2SeqGenerator.Generate(model, inputIds, mask, OptionsOf(run.GetProperty("kwargs"))));
    }

    [Theory]
    [InlineData("greedy")]
    [InlineData("greedy_min5_max12")]
    public void RealVocabularyModelMatchesHfGenerate(string runName)
    {
        using var model = LoadModel(Hf2ModelDir);
        var fixture = ReadJson(Path.Combine(SharedPaths.Hf2, "generate_32k.json"));
        var run = fixture.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == runName);
        // the recorded top-1/top-2 margins of these runs (0.17, 0.32) are far above float32 noise, so ids must match exactly
        Assert.True(run.GetProperty("min_top1_top2_gap_over_decided_steps").GetDouble() > 0.01);
        using var inputIds = LongMatrix(fixture.GetProperty("input_ids"));
        using var mask = LongMatrix(fixture.GetProperty("attention_mask"));
        AssertRunMatches(run, Seq2SeqGenerator.Generate(model, inputIds, mask, OptionsOf(run.GetProperty("kwargs"))));
    }
}
