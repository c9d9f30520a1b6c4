using System.Text.RegularExpressions;

namespace T5Sharp.Peft;

/// <summary>
/// peft's rules for which modules an adapter wraps and at what rank/alpha, applied to module names relative to the
/// T5 model (e.g. <c>decoder.block.1.layer.1.EncDecAttention.q</c>), as peft does under PeftModel.base_model.model.
/// </summary>
public static class LoraTargetMatcher
{
    /// <summary>peft's check_target_module_exists, after exclude_modules.</summary>
    public static bool IsTarget(LoraConfig config, string key)
    {
        if (IsExcluded(config, key)) return false;
        if (config.TargetModulesRegex is { } regex) return FullMatch(regex, key);
        var targets = config.EffectiveTargets;
        if (targets.Contains(key)) return true; // named exactly: layers_to_transform doesn't apply
        if (!targets.Any(t => key.EndsWith("." + t, StringComparison.Ordinal))) return false;
        if (config.LayersToTransform is not { Count: > 0 } layers) return true;

        // Without layers_pattern peft takes the last ".<word>.<digits>." of the name, which for T5 is the
        // sub-layer index in "block.N.layer.M." — so T5 users name layers_pattern "block" to select blocks.
        Match? index = null;
        if (config.LayersPattern is not { Count: > 0 } patterns)
            index = Regex.Match(key, @"^.*\.[^.]*\.(\d+)\.");
        else
            foreach (var pattern in patterns)
            {
                index = Regex.Match(key, $@"^.*\.{pattern}\.(\d+)\.");
                if (index.Success) break;
            }
        return index is { Success: true } && layers.Contains(int.Parse(index.Groups[1].Value));
    }

    static bool IsExcluded(LoraConfig config, string key)
    {
        if (config.ExcludeModulesRegex is { } regex) return FullMatch(regex, key);
        return config.ExcludeModules is { } names && names.Any(n => key == n || key.EndsWith("." + n, StringComparison.Ordinal));
    }

    /// <summary>
    /// Rank and alpha of one wrapped module: the first rank_pattern / alpha_pattern key (rank keys first, as peft chains
    /// them) that matches the end of the name after a dot (peft's re.match(rf".*\.{key}$")), else r and lora_alpha.
    /// </summary>
    public static (int Rank, double Alpha) RankAndAlpha(LoraConfig config, string key)
    {
        var patternKey = config.RankPattern.Keys.Concat(config.AlphaPattern.Keys)
            .FirstOrDefault(p => Regex.IsMatch(key, $@"^.*\.{p}$"), key);
        return (config.RankPattern.GetValueOrDefault(patternKey, config.R),
            config.AlphaPattern.GetValueOrDefault(patternKey, config.LoraAlpha));
    }

    static bool FullMatch(string regex, string key) => Regex.IsMatch(key, $"^(?:{regex})$");
}
