using System.Globalization;

namespace T5Sharp.Peft;

/// <summary>
/// A LoRA adapter written as one line of text (the <c>lora</c> run option, <c>--lora</c> on the command line), e.g. <c>r=32,alpha=32,dropout=0.05,targets=q,v</c>. A comma-separated item
/// without '=' continues the previous list-valued key (targets, exclude, save, layers), so lists need no quoting.
/// Keys: r, alpha, dropout, targets, target_regex, exclude, bias, rslora, init (true/false/gaussian), save (modules_to_save),
/// layers (layers_to_transform), layers_pattern.
/// </summary>
public static class LoraSpec
{
    static readonly HashSet<string> ListKeys = ["targets", "exclude", "save", "layers"];

    /// <summary>Parses <paramref name="spec"/>; errors start with <paramref name="origin"/>, where the text came from.</summary>
    public static LoraConfig Parse(string spec, string origin)
    {
        var config = new LoraConfig();
        string? listKey = null;
        foreach (var raw in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = raw.IndexOf('=');
            string key, value;
            if (eq < 0)
            {
                if (listKey is null) throw new PeftException($"{origin}: '{raw}' is not key=value (e.g. r=32,alpha=32,targets=q,v)");
                (key, value) = (listKey, raw);
            }
            else (key, value) = (raw[..eq].Trim(), raw[(eq + 1)..].Trim());
            listKey = ListKeys.Contains(key) ? key : null;
            Apply(config, key, value, eq < 0, origin);
        }
        config.Validate(origin);
        return config;
    }

    static void Apply(LoraConfig c, string key, string value, bool continuation, string origin)
    {
        switch (key)
        {
            case "r": c.R = Int(key, value, origin); break;
            case "alpha": c.LoraAlpha = Number(key, value, origin); break;
            case "dropout": c.LoraDropout = Number(key, value, origin); break;
            case "targets": c.TargetModules = Append(continuation ? c.TargetModules : null, value); break;
            case "target_regex": c.TargetModulesRegex = value; break;
            case "exclude": c.ExcludeModules = Append(continuation ? c.ExcludeModules : null, value); break;
            case "save": c.ModulesToSave = Append(continuation ? c.ModulesToSave : null, value); break;
            case "layers": c.LayersToTransform = [.. (continuation ? c.LayersToTransform ?? [] : []), Int(key, value, origin)]; break;
            case "layers_pattern": c.LayersPattern = [value]; break;
            case "bias": c.Bias = value; break;
            case "rslora": c.UseRslora = Bool(key, value, origin); break;
            case "init":
                c.InitLoraWeights = value switch
                {
                    "true" => LoraInit.Default, "false" => LoraInit.Random, "gaussian" => LoraInit.Gaussian,
                    _ => throw new PeftException($"{origin}: init={value}; expected true, false or gaussian"),
                };
                break;
            default:
                throw new PeftException($"{origin}: unknown key '{key}' (known: r, alpha, dropout, targets, target_regex, exclude, " +
                                        "bias, rslora, init, save, layers, layers_pattern)");
        }
    }

    static List<string> Append(List<string>? list, string value) => [.. list ?? [], value];

    static int Int(string key, string value, string origin) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x
        : throw new PeftException($"{origin}: {key}={value} is not an integer");

    static double Number(string key, string value, string origin) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x
        : throw new PeftException($"{origin}: {key}={value} is not a number");

    static bool Bool(string key, string value, string origin) => bool.TryParse(value, out var x) ? x
        : throw new PeftException($"{origin}: {key}={value}; expected true or false");
}
