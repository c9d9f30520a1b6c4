using System.Text.Json;
using T5Sharp.Modeling;

namespace T5Sharp.Generation;

/// <summary>
/// A named preset of config.json's task_specific_params (e.g. "summarization": beams 4, length_penalty 2.0,
/// no_repeat_ngram_size 3, min_length 30, max_length 200, prefix "summarize: "), as transformers' pipelines apply it.
/// </summary>
public sealed record GenerationPreset(string Name, GenerationConfig Config, string? Prefix)
{
    /// <summary>The preset <paramref name="name"/> of <paramref name="modelConfig"/> applied on top of <paramref name="baseConfig"/>.</summary>
    public static GenerationPreset Load(T5Config modelConfig, string name, GenerationConfig baseConfig, string source = "config.json")
    {
        var presets = modelConfig.TaskSpecificParams;
        if (presets is null || presets.Count == 0)
            throw new GenerationConfigException($"{source}: no task_specific_params, so there is no preset '{name}'");
        if (!presets.TryGetValue(name, out var preset))
            throw new GenerationConfigException(
                $"{source}: task_specific_params has no preset '{name}'; it has: {string.Join(", ", presets.Keys.OrderBy(k => k, StringComparer.Ordinal))}");
        if (preset.ValueKind != JsonValueKind.Object)
            throw new GenerationConfigException($"{source}: task_specific_params.{name} must be an object, found {preset.ValueKind}");
        string presetSource = $"{source} (task_specific_params.{name})";
        var config = GenerationConfigJson.Apply(preset, presetSource, baseConfig);
        string? prefix = null;
        if (preset.TryGetProperty("prefix", out var p) && p.ValueKind != JsonValueKind.Null)
            prefix = p.ValueKind == JsonValueKind.String ? p.GetString()
                : throw new GenerationConfigException($"{presetSource}: 'prefix' must be a string, found {p.GetRawText()}");
        return new GenerationPreset(name, config, prefix);
    }
}
