using System.Text.Json.Nodes;
using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Generation;

/// <summary>
/// The layering every generating caller gets from <see cref="GenerationSettings.Resolve"/>: the model's
/// generation_config.json (or another file), then a task_specific_params preset with its prefix, then the call's settings.
/// </summary>
public sealed class GenerationSettingsTests : IDisposable
{
    readonly TempDir _dir = new();
    readonly PretrainedT5 _pretrained;

    public GenerationSettingsTests()
    {
        // The tiny FLAN model, with a generation config and a preset of its own.
        foreach (string file in Directory.EnumerateFiles(Hf2ModelDir))
            File.CreateSymbolicLink(_dir.File(Path.GetFileName(file)), file);
        File.Delete(_dir.File("config.json"));
        File.Delete(_dir.File("generation_config.json"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Hf2ModelDir, "config.json")))!.AsObject();
        config["task_specific_params"] = JsonNode.Parse(
            """{"summarization": {"num_beams": 4, "length_penalty": 2.0, "max_length": 50, "early_stopping": true, "prefix": "summarize: "}}""");
        File.WriteAllText(_dir.File("config.json"), config.ToJsonString());
        File.WriteAllText(_dir.File("generation_config.json"),
            """{"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0, "num_beams": 2, "max_new_tokens": 7, "no_repeat_ngram_size": 2}""");
        File.WriteAllText(_dir.File("other_generation.json"), """{"num_beams": 3, "top_k": 9}""");
        _pretrained = PretrainedT5.Load(_dir.Path);
    }

    [Fact]
    public void NothingGivenIsTheModelsOwnConfig()
    {
        var (c, prefix) = new GenerationSettings().Resolve(_pretrained);
        Assert.Null(prefix);
        Assert.Equal((2, 7, 2, 1L, 0L), (c.NumBeams, c.MaxNewTokens, c.NoRepeatNgramSize, c.EosTokenId, c.DecoderStartTokenId));
    }

    [Fact]
    public void AFileReplacesTheModelsGenerationConfigButKeepsItsTokenIds()
    {
        var (c, _) = new GenerationSettings { ConfigFile = _dir.File("other_generation.json") }.Resolve(_pretrained);
        Assert.Equal((3, 9, (int?)null, 0), (c.NumBeams, c.TopK, c.MaxNewTokens, c.NoRepeatNgramSize));
        Assert.Equal((1L, 0L, 0L), (c.EosTokenId, c.PadTokenId, c.DecoderStartTokenId)); // from config.json
    }

    [Fact]
    public void PresetGoesOverTheModelAndCallSettingsOverThePreset()
    {
        var (preset, prefix) = new GenerationSettings { Preset = "summarization" }.Resolve(_pretrained);
        Assert.Equal("summarize: ", prefix);
        Assert.Equal((4, 2.0, 50, EarlyStopping.WhenBeamsFinished), (preset.NumBeams, preset.LengthPenalty, preset.MaxLength, preset.EarlyStopping));
        Assert.Equal((7, 2), (preset.MaxNewTokens, preset.NoRepeatNgramSize)); // what the preset doesn't set stays the model's

        var (call, callPrefix) = new GenerationSettings
        {
            Preset = "summarization", NumBeams = 5, MaxLength = 30, EarlyStopping = EarlyStopping.Never, NoRepeatNgramSize = 0,
        }.Resolve(_pretrained);
        Assert.Equal("summarize: ", callPrefix);
        Assert.Equal((5, 2.0, EarlyStopping.Never, 0), (call.NumBeams, call.LengthPenalty, call.EarlyStopping, call.NoRepeatNgramSize));
        // max_length given without max_new_tokens wins over the model's max_new_tokens
        Assert.Equal((30, (int?)null, 30), (call.MaxLength, call.MaxNewTokens, call.ResolvedMaxLength));
        var both = new GenerationSettings { MaxLength = 30, MaxNewTokens = 4 }.Resolve(_pretrained).Config;
        Assert.Equal(5, both.ResolvedMaxLength);
    }

    [Fact]
    public void TheResultIsValidatedAndTypedTextIsParsedWithClearErrors()
    {
        var e = Assert.Throws<GenerationConfigException>(() => new GenerationSettings { NumReturnSequences = 3 }.Resolve(_pretrained));
        Assert.Equal("num_return_sequences (3) must not exceed num_beams (2) without sampling (do_sample)", e.Message);
        Assert.Contains("task_specific_params has no preset 'poetry'",
            Assert.Throws<GenerationConfigException>(() => new GenerationSettings { Preset = "poetry" }.Resolve(_pretrained)).Message);

        Assert.Equal(EarlyStopping.Never, GenerationSettings.ParseEarlyStopping("never"));
        Assert.Equal(EarlyStopping.WhenBeamsFinished, GenerationSettings.ParseEarlyStopping("True"));
        Assert.Equal(EarlyStopping.Heuristic, GenerationSettings.ParseEarlyStopping("false"));
        Assert.Equal("--early-stopping must be true, false or never, got 'soon'",
            Assert.Throws<GenerationConfigException>(() => GenerationSettings.ParseEarlyStopping("soon", "--early-stopping")).Message);

        var bad = GenerationSettings.ParseBadWordsIds("[[5],[7,8]]")!;
        Assert.Equal([[5L], [7L, 8L]], bad);
        Assert.StartsWith("--bad-words-ids: 'bad_words_ids' must be a list of lists of token ids",
            Assert.Throws<GenerationConfigException>(() => GenerationSettings.ParseBadWordsIds("[5]", "--bad-words-ids")).Message);
        var banned = new GenerationSettings { BadWordsIds = bad }.Resolve(_pretrained).Config;
        Assert.Equal(2, banned.BadWordsIds!.Count);
    }

    public void Dispose()
    {
        _pretrained.Dispose();
        _dir.Dispose();
    }
}
