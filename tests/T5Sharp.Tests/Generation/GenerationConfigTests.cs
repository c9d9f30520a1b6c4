
using T5Sharp.Generation;
using T5Sharp.Modeling;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Generation;

/// <summary>Settings from generation_config.json and config.json presets, and the clear errors for bad ones.</summary>
public class GenerationConfigTests
{
    [Fact]
    public void ReadsTheModelFoldersGenerationConfig()
    {
        // hf2's generation_config.json: decoder_start 0, eos 1, pad 0, everything else HF's defaults
        var config = GenerationConfigJson.Load(Path.Combine(Hf2ModelDir, "generation_config.json"));
        Assert.Equal(0, config.DecoderStartTokenId);
        Assert.Equal(1, config.EosTokenId);
        Assert.Equal(0, config.PadTokenId);
        Assert.Equal(20, config.ResolvedMaxLength);
        Assert.Equal(1, config.NumBeams);
    }

    [Fact]
    public void SummarizationPresetOfTheRealFlanConfig()
    {
        var modelConfig = T5Config.Load(Path.Combine(SharedPaths.RealTokenizer, "config.json"));
        var preset = GenerationPreset.Load(modelConfig, "summarization", GenerationConfigJson.FromModelConfig(modelConfig));
        Assert.Equal("summarize: ", preset.Prefix);
        var c = preset.Config;
        Assert.Equal((4, 2.0, 3, 30, 200, EarlyStopping.WhenBeamsFinished),
            (c.NumBeams, c.LengthPenalty, c.NoRepeatNgramSize, c.MinLength, c.MaxLength, c.EarlyStopping));
        Assert.Equal(1, c.EosTokenId);
        var overridden = c with { MaxNewTokens = 60 };
        Assert.Equal(61, overridden.ResolvedMaxLength); // max_new_tokens wins and doesn't count the start token
    }

    [Fact]
    public void UnknownPresetNamesTheAvailableOnes()
    {
        var modelConfig = T5Config.Load(Path.Combine(SharedPaths.RealTokenizer, "config.json"));
        var e = Assert.Throws<GenerationConfigException>(() => GenerationPreset.Load(modelConfig, "poetry", new GenerationConfig()));
        Assert.Contains("'poetry'", e.Message);
        Assert.Contains("summarization, translation_en_to_de", e.Message);
    }

    [Theory]
    [InlineData("{\"num_beams\": \"four\"}", "'num_beams' must be an integer, found \"four\"")]
    [InlineData("{\"early_stopping\": \"sometimes\"}", "'early_stopping' must be true, false or \"never\"")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"top_p\": ", "invalid JSON")]
    public void BadJsonNamesFileAndKey(string json, string expected)
    {
        var e = Assert.Throws<GenerationConfigException>(() => GenerationConfigJson.Parse(json, "gen.json"));
        Assert.StartsWith("gen.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EarlyStoppingNeverAndBadWordsAreRead()
    {
        var c = GenerationConfigJson.Parse("{\"early_stopping\": \"never\", \"bad_words_ids\": [[5], [7, 8]], \"eos_token_id\": [1]}", "x");
        Assert.Equal(EarlyStopping.Never, c.EarlyStopping);
        Assert.Equal([[5L], [7L, 8L]], c.BadWordsIds);
        Assert.Equal(1, c.EosTokenId);
    }

    public static TheoryData<GenerationConfig, string> BadOptions => new()
    {
        { new GenerationConfig { MaxNewTokens = -1 }, "max_new_tokens must not be negative, got -1" },
        { new GenerationConfig { MinNewTokens = -3 }, "min_new_tokens must not be negative, got -3" },
        { new GenerationConfig { MinLength = -2 }, "min_length must not be negative, got -2" },
        { new GenerationConfig { MaxLength = 0 }, "max_length counts the decoder start token and must be at least 1, got 0" },
        { new GenerationConfig { TopP = 0 }, "top_p must be in (0, 1], got 0" },
        { new GenerationConfig { TopP = 1.5 }, "top_p must be in (0, 1], got 1.5" },
        { new GenerationConfig { NumBeams = 2, NumReturnSequences = 3 }, "num_return_sequences (3) must not exceed num_beams (2) without sampling" },
        { new GenerationConfig { NumReturnSequences = 2 }, "num_return_sequences (2) must not exceed num_beams (1) without sampling" },
        { new GenerationConfig { DoSample = true, Temperature = 0 }, "temperature must be positive, got 0" },
        { new GenerationConfig { RepetitionPenalty = 0 }, "repetition_penalty must be a positive number, got 0" },
        { new GenerationConfig { MaxNewTokens = 0 }, "max_new_tokens must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsGetAClearError(GenerationConfig config, string expected)
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        var (ids, mask, labels) = HfBatch();
        using (ids) using (mask) using (labels)
        {
            var e = Assert.Throws<GenerationConfigException>(() => Seq2SeqGenerator.Generate(model, ids, mask, config));
            Assert.Contains(expected, e.Message);
        }
    }

    [Fact]
    public void SamplingMayReturnMoreSequencesThanBeams()
    {
        new GenerationConfig { DoSample = true, NumReturnSequences = 4 }.Validate();
    }
}
