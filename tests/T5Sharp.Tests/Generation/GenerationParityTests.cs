using System.Text.Json;
using T5Sharp.Generation;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Generation;

/// <summary>
/// Every generate() run of the fixtures (greedy, beam search with several return sequences, no-repeat n-grams with
/// repetition penalty, minimum lengths, the summarization preset) through <see cref="Seq2SeqGenerator"/>, configured
/// from the run's exact kwargs: identical token ids, and sequence scores / per-step scores within 1e-4.
/// </summary>
public class GenerationParityTests
{
    const double Tolerance = 1e-4;

    static JsonElement Run(JsonElement runs, string name) =>
        runs.EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    /// <summary>The run's kwargs, read as HF reads them, over the fixture's generation_config.</summary>
    static GenerationConfig ConfigOf(JsonElement generationConfig, JsonElement run) =>
        GenerationConfigJson.Apply(run.GetProperty("kwargs"), "kwargs",
            GenerationConfigJson.Apply(generationConfig, "generation_config", new GenerationConfig()));

    static void AssertMatches(JsonElement run, GenerationOutput output)
    {
        string name = run.GetProperty("name").GetString()!;
        Assert.Equal(LongRows(run.GetProperty("sequences")), output.Sequences);
        if (run.TryGetProperty("sequences_scores", out var expectedScores))
        {
            var expected = expectedScores.EnumerateArray().Select(x => x.GetSingle()).ToArray();
            Assert.Equal(expected.Length, output.SequenceScores!.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - output.SequenceScores[i]) < Tolerance,
                    $"{name}: sequence {i} score {output.SequenceScores[i]} vs HF {expected[i]}");
        }
        if (run.TryGetProperty("chosen_token_processed_scores_per_step", out var perStep))
        {
            var expected = FloatMatrix(perStep);
            Assert.Equal(expected.Length, output.ChosenTokenScores!.Length);
            for (int step = 0; step < expected.Length; step++)
                for (int row = 0; row < expected[step].Length; row++)
                    Assert.True(Math.Abs(expected[step][row] - output.ChosenTokenScores[step][row]) < Tolerance,
                        $"{name}: step {step} row {row}: {output.ChosenTokenScores[step][row]} vs HF {expected[step][row]}");
        }
    }

    [Theory]
    [InlineData("tiny-flan", "greedy")]
    [InlineData("tiny-flan", "beam4_ret2")]
    [InlineData("tiny-flan", "beam3_norepeat_reppen")]
    [InlineData("tiny-flan", "greedy_min5_max12")]
    [InlineData("tiny-t5v1", "greedy")]
    [InlineData("tiny-t5v1", "beam4_ret2")]
    [InlineData("tiny-t5v1", "beam3_norepeat_reppen")]
    [InlineData("tiny-t5v1", "greedy_min5_max12")]
    public void TinyModelsMatchHfGenerate(string modelName, string runName)
    {
        using var model = LoadModel(HfModelDir(modelName));
        var generate = HfReference(modelName).GetProperty("generate");
        var run = Run(generate.GetProperty("runs"), runName);
        var (inputIds, mask, labels) = HfBatch();
        using (inputIds) using (mask) using (labels)
            AssertMatches(run, Seq2SeqGenerator.Generate(model, inputIds, mask, ConfigOf(generate.GetProperty("generation_config"), run)));
    }

    [Theory]
    [InlineData("greedy")]
    [InlineData("beam4_ret2")]
    [InlineData("beam3_norepeat_reppen")]
    [InlineData("greedy_min5_max12")]
    [InlineData("summarization_preset")]
    [InlineData("greedy_max48")]
    public void RealVocabularyModelMatchesHfGenerate(string runName)
    {
        using var model = LoadModel(Hf2ModelDir);
        var fixture = ReadJson(Path.Combine(SharedPaths.Hf2, "generate_32k.json"));
        var run = Run(fixture.GetProperty("runs"), runName);
        using var inputIds = LongMatrix(fixture.GetProperty("input_ids"));
        using var mask = LongMatrix(fixture.GetProperty("attention_mask"));
        AssertMatches(run, Seq2SeqGenerator.Generate(model, inputIds, mask, ConfigOf(fixture.GetProperty("generation_config"), run)));
    }
}
