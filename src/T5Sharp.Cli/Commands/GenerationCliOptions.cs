using System.CommandLine;
using T5Sharp.Generation;
using T5Sharp.Pretrained;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// The generation settings as command-line options (HF's names in kebab case), shared by every verb that generates:
/// <see cref="AddTo"/> puts them on a command, <see cref="Settings"/> maps them onto the library's
/// <see cref="GenerationSettings"/>, which layers them over the model's own.
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

    internal IEnumerable<Option> All => [_preset, _configFile, _maxNewTokens, _maxLength, _minNewTokens, _minLength, _numBeams, _numReturn,
        _lengthPenalty, _earlyStopping, _noRepeat, _encoderNoRepeat, _repetitionPenalty, _badWords, _forcedEos, _doSample,
        _temperature, _topK, _topP, _typicalP, _seed, _outputScores];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The options given, as the library's settings (HF's names; unset options stay null).</summary>
    public GenerationSettings Settings(ParseResult parse) => new()
    {
        Preset = parse.GetValue(_preset),
        ConfigFile = parse.GetValue(_configFile),
        MaxNewTokens = parse.GetValue(_maxNewTokens),
        MaxLength = parse.GetValue(_maxLength),
        MinNewTokens = parse.GetValue(_minNewTokens),
        MinLength = parse.GetValue(_minLength),
        NumBeams = parse.GetValue(_numBeams),
        NumReturnSequences = parse.GetValue(_numReturn),
        LengthPenalty = parse.GetValue(_lengthPenalty),
        EarlyStopping = parse.GetValue(_earlyStopping) is { } es ? GenerationSettings.ParseEarlyStopping(es, "--early-stopping") : null,
        NoRepeatNgramSize = parse.GetValue(_noRepeat),
        EncoderNoRepeatNgramSize = parse.GetValue(_encoderNoRepeat),
        RepetitionPenalty = parse.GetValue(_repetitionPenalty),
        BadWordsIds = parse.GetValue(_badWords) is { } bad ? GenerationSettings.ParseBadWordsIds(bad, "--bad-words-ids") : null,
        ForcedEosTokenId = parse.GetValue(_forcedEos),
        DoSample = parse.GetValue(_doSample) ? true : null,
        Temperature = parse.GetValue(_temperature),
        TopK = parse.GetValue(_topK),
        TopP = parse.GetValue(_topP),
        TypicalP = parse.GetValue(_typicalP),
        Seed = parse.GetValue(_seed),
        OutputScores = parse.GetValue(_outputScores) ? true : null,
    };

    /// <summary>The model's settings (or --generation-config), then --preset, then each option given; validated.</summary>
    public (GenerationConfig Config, string? Prefix) Build(ParseResult parse, PretrainedT5 pretrained) => Settings(parse).Resolve(pretrained);
}
