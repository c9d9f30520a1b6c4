using System.CommandLine;
using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Generation;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// The generation settings as command-line options (HF's names in kebab case), shared by every verb that generates:
/// <see cref="AddTo"/> puts them on a command, <see cref="Build"/> reads them over the model's own settings.
/// </summary>
public sealed class GenerationCliOptions
{
    readonly Option<string?> _preset = new("--preset") { Description = "A task_specific_params preset of the model's config.json, e.g. summarization (its prefix is prepended to inputs)." };
    readonly Option<string?> _configFile = new("--generation-config") { Description = "A generation_config.json to use instead of the model folder's." };
    readonly Option<int?> _maxNewTokens = new("--max-new-tokens") { Description = "Tokens to generate at most (wins over --max-length)." };
    readonly Option<int?> _maxLength = new("--max-length") { Description = "Decoder length at most, the start token included." };
    readonly Option<int?> _minNewTokens = new("--min-new-tokens") { Description = "Tokens to generate before EOS is allowed." };
    readonly Option<int?> _minLength = new("--min-length") { Description = "Decoder length before EOS is allowed, the start token included." };
    readonly Option<int?> _numBeams = new("--num-beams") { Description = "Beams of beam search (1: greedy or sampling)." };
    readonly Option<int?> _numReturn = new("--num-return-sequences") { Description = "Outputs per input." };
    readonly Option<double?> _lengthPenalty = new("--length-penalty") { Description = "Beam scores are divided by length ** this." };
    readonly Option<string?> _earlyStopping = new("--early-stopping") { Description = "Beam search stopping rule: true, false or never." };
    readonly Option<int?> _noRepeat = new("--no-repeat-ngram-size") { Description = "No n-gram of this size is generated twice." };
    readonly Option<int?> _encoderNoRepeat = new("--encoder-no-repeat-ngram-size") { Description = "No n-gram of this size from the input is generated." };
    readonly Option<double?> _repetitionPenalty = new("--repetition-penalty") { Description = "Penalty on tokens already generated (1: none)." };
    readonly Option<string?> _badWords = new("--bad-words-ids") { Description = "Token sequences never to generate, as JSON, e.g. [[5],[7,8]]." };
    readonly Option<long?> _forcedEos = new("--forced-eos-token-id") { Description = "Token forced when max length is reached." };
    readonly Option<bool> _doSample = new("--do-sample") { Description = "Sample instead of taking the most likely token." };
    readonly Option<double?> _temperature = new("--temperature") { Description = "Sampling temperature." };
    readonly Option<int?> _topK = new("--top-k") { Description = "Sample among the k most likely tokens (0: all)." };
    readonly Option<double?> _topP = new("--top-p") { Description = "Nucleus sampling mass, in (0, 1]." };
    readonly Option<double?> _typicalP = new("--typical-p") { Description = "Typical sampling mass, in (0, 1]." };
    readonly Option<long?> _seed = new("--seed") { Description = "Seed of the sampling generator (reproducible samples)." };
    readonly Option<bool> _outputScores = new("--output-scores") { Description = "Also print sequence scores and per-token log-probabilities." };

    IEnumerable<Option> All => [_preset, _configFile, _maxNewTokens, _maxLength, _minNewTokens, _minLength, _numBeams, _numReturn,
        _lengthPenalty, _earlyStopping, _noRepeat, _encoderNoRepeat, _repetitionPenalty, _badWords, _forcedEos, _doSample,
        _temperature, _topK, _topP, _typicalP, _seed, _outputScores];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The model's settings (or --generation-config), then --preset, then each option given; validated.</summary>
    public (GenerationConfig Config, string? Prefix) Build(ParseResult parse, PretrainedT5 pretrained)
    {
        var config = parse.GetValue(_configFile) is { } file
            ? GenerationConfigJson.Load(file, GenerationConfigJson.FromModelConfig(pretrained.Config))
            : GenerationConfigJson.ForModel(pretrained);
        string? prefix = null;
        if (parse.GetValue(_preset) is { } name)
        {
            var preset = GenerationPreset.Load(pretrained.Config, name, config, Path.Combine(pretrained.Directory, ModelFiles.Config));
            (config, prefix) = (preset.Config, preset.Prefix);
        }
        if (parse.GetValue(_maxNewTokens) is { } maxNew) config = config with { MaxNewTokens = maxNew };
        if (parse.GetValue(_maxLength) is { } maxLength) config = config with { MaxLength = maxLength, MaxNewTokens = parse.GetValue(_maxNewTokens) };
        if (parse.GetValue(_minNewTokens) is { } minNew) config = config with { MinNewTokens = minNew };
        if (parse.GetValue(_minLength) is { } minLength) config = config with { MinLength = minLength };
        if (parse.GetValue(_numBeams) is { } beams) config = config with { NumBeams = beams };
        if (parse.GetValue(_numReturn) is { } numReturn) config = config with { NumReturnSequences = numReturn };
        if (parse.GetValue(_lengthPenalty) is { } lp) config = config with { LengthPenalty = lp };
        if (parse.GetValue(_earlyStopping) is { } es) config = config with { EarlyStopping = ParseEarlyStopping(es) };
        if (parse.GetValue(_noRepeat) is { } nr) config = config with { NoRepeatNgramSize = nr };
        if (parse.GetValue(_encoderNoRepeat) is { } enr) config = config with { EncoderNoRepeatNgramSize = enr };
        if (parse.GetValue(_repetitionPenalty) is { } rp) config = config with { RepetitionPenalty = rp };
        if (parse.GetValue(_badWords) is { } bad)
            config = GenerationConfigJson.Parse($"{{\"bad_words_ids\": {bad}}}", "--bad-words-ids", config);
        if (parse.GetValue(_forcedEos) is { } forced) config = config with { ForcedEosTokenId = forced };
        if (parse.GetValue(_doSample)) config = config with { DoSample = true };
        if (parse.GetValue(_temperature) is { } t) config = config with { Temperature = t };
        if (parse.GetValue(_topK) is { } k) config = config with { TopK = k };
        if (parse.GetValue(_topP) is { } p) config = config with { TopP = p };
        if (parse.GetValue(_typicalP) is { } typical) config = config with { TypicalP = typical };
        if (parse.GetValue(_seed) is { } seed) config = config with { Seed = seed };
        if (parse.GetValue(_outputScores)) config = config with { OutputScores = true };
        config.Validate();
        return (config, prefix);
    }

    static EarlyStopping ParseEarlyStopping(string value) => value.ToLowerInvariant() switch
    {
        "true" => EarlyStopping.WhenBeamsFinished,
        "false" => EarlyStopping.Heuristic,
        "never" => EarlyStopping.Never,
        _ => throw new GenerationConfigException($"--early-stopping must be true, false or never, got '{value}'"),
    };
}
