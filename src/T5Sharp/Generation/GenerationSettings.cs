using T5Sharp.Formats;
using T5Sharp.Pretrained;

namespace T5Sharp.Generation;

/// <summary>
/// One call's generation settings over a model's own, under HF's names (null: not given), layered as transformers'
/// pipelines layer them: the model's generation config (or <see cref="ConfigFile"/>), then the <see cref="Preset"/> of
/// config.json's task_specific_params (with its prompt prefix), then each setting given here; the result is validated.
/// </summary>
public sealed record GenerationSettings
{
    /// <summary>A task_specific_params preset of the model's config.json, e.g. "summarization" (its prefix goes before each input).</summary>
    public string? Preset { get; init; }
    /// <summary>A generation_config.json to use instead of the model folder's.</summary>
    public string? ConfigFile { get; init; }
    public int? MaxNewTokens { get; init; }
    /// <summary>Given alone, max_length wins over a max_new_tokens of the model's config (as HF's call arguments do).</summary>
    public int? MaxLength { get; init; }
    public int? MinNewTokens { get; init; }
    public int? MinLength { get; init; }
    public int? NumBeams { get; init; }
    public int? NumReturnSequences { get; init; }
    public double? LengthPenalty { get; init; }
    public EarlyStopping? EarlyStopping { get; init; }
    public int? NoRepeatNgramSize { get; init; }
    public int? EncoderNoRepeatNgramSize { get; init; }
    public double? RepetitionPenalty { get; init; }
    public IReadOnlyList<long[]>? BadWordsIds { get; init; }
    public long? ForcedEosTokenId { get; init; }
    public bool? DoSample { get; init; }
    public double? Temperature { get; init; }
    public int? TopK { get; init; }
    public double? TopP { get; init; }
    public double? TypicalP { get; init; }
    public long? Seed { get; init; }
    public bool? OutputScores { get; init; }

    /// <summary>The settings for <paramref name="pretrained"/> and the preset's prompt prefix (null without one).</summary>
    public (GenerationConfig Config, string? Prefix) Resolve(PretrainedT5 pretrained)
    {
        var config = ConfigFile is { } file
            ? GenerationConfigJson.Load(file, GenerationConfigJson.FromModelConfig(pretrained.Config))
            : GenerationConfigJson.ForModel(pretrained);
        string? prefix = null;
        if (Preset is { } name)
        {
            var preset = GenerationPreset.Load(pretrained.Config, name, config, Path.Combine(pretrained.Directory, ModelFiles.Config));
            (config, prefix) = (preset.Config, preset.Prefix);
        }
        config = ApplyTo(config);
        config.Validate();
        return (config, prefix);
    }

    /// <summary>Each setting given here over <paramref name="config"/> (not validated).</summary>
    public GenerationConfig ApplyTo(GenerationConfig config)
    {
        if (MaxNewTokens is { } maxNew) config = config with { MaxNewTokens = maxNew };
        if (MaxLength is { } maxLength) config = config with { MaxLength = maxLength, MaxNewTokens = MaxNewTokens };
        if (MinNewTokens is { } minNew) config = config with { MinNewTokens = minNew };
        if (MinLength is { } minLength) config = config with { MinLength = minLength };
        if (NumBeams is { } beams) config = config with { NumBeams = beams };
        if (NumReturnSequences is { } numReturn) config = config with { NumReturnSequences = numReturn };
        if (LengthPenalty is { } lp) config = config with { LengthPenalty = lp };
        if (EarlyStopping is { } es) config = config with { EarlyStopping = es };
        if (NoRepeatNgramSize is { } nr) config = config with { NoRepeatNgramSize = nr };
        if (EncoderNoRepeatNgramSize is { } enr) config = config with { EncoderNoRepeatNgramSize = enr };
        if (RepetitionPenalty is { } rp) config = config with { RepetitionPenalty = rp };
        if (BadWordsIds is { } bad) config = config with { BadWordsIds = bad };
        if (ForcedEosTokenId is { } forced) config = config with { ForcedEosTokenId = forced };
        if (DoSample is { } sample) config = config with { DoSample = sample };
        if (Temperature is { } t) config = config with { Temperature = t };
        if (TopK is { } k) config = config with { TopK = k };
        if (TopP is { } p) config = config with { TopP = p };
        if (TypicalP is { } typical) config = config with { TypicalP = typical };
        if (Seed is { } seed) config = config with { Seed = seed };
        if (OutputScores is { } scores) config = config with { OutputScores = scores };
        return config;
    }

    /// <summary>early_stopping as typed on a command line or in a form: true, false or never.</summary>
    public static EarlyStopping ParseEarlyStopping(string text, string source = "early_stopping") => text.ToLowerInvariant() switch
    {
        "true" => Generation.EarlyStopping.WhenBeamsFinished,
        "false" => Generation.EarlyStopping.Heuristic,
        "never" => Generation.EarlyStopping.Never,
        _ => throw new GenerationConfigException($"{source} must be true, false or never, got '{text}'"),
    };

    /// <summary>bad_words_ids as JSON text, e.g. <c>[[5],[7,8]]</c>; errors name <paramref name="source"/>.</summary>
    public static IReadOnlyList<long[]>? ParseBadWordsIds(string json, string source = "bad_words_ids") =>
        GenerationConfigJson.Parse($"{{\"bad_words_ids\": {json}}}", source).BadWordsIds;
}
