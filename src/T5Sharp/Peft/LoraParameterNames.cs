namespace T5Sharp.Peft;

/// <summary>
/// Parameter names in memory (<c>encoder…q.lora_A.default.weight</c>, HF's names for the rest) and in peft's adapter
/// file (<c>base_model.model.encoder…q.lora_A.weight</c>: PeftModel's prefix, no adapter name).
/// </summary>
public static class LoraParameterNames
{
    public const string PeftPrefix = "base_model.model.";

    /// <summary>The adapter a LoRA parameter belongs to, or null for any other parameter.</summary>
    public static string? AdapterOf(string name)
    {
        var parts = name.Split('.');
        for (int i = 0; i + 2 < parts.Length; i++)
            if (parts[i] is "lora_A" or "lora_B" && i + 2 == parts.Length - 1) return parts[i + 1];
        return null;
    }

    /// <summary>Whether the parameter sits in (or under) a module named, or ending with, one of <paramref name="modules"/>.</summary>
    public static bool IsInModules(string name, IReadOnlyCollection<string> modules)
    {
        if (modules.Count == 0) return false;
        for (int dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1))
        {
            string prefix = name[..dot];
            if (modules.Any(m => prefix == m || prefix.EndsWith("." + m, StringComparison.Ordinal))) return true;
        }
        return false;
    }

    /// <summary>In-memory name → peft file key: "base_model.model." + the name without ".&lt;adapter&gt;".</summary>
    public static string ToPeftKey(string name, string adapter) =>
        PeftPrefix + (AdapterOf(name) is not null ? name.Replace($".{adapter}.", ".") : name);

    /// <summary>peft file key → in-memory name for <paramref name="adapter"/>; null when the key lacks peft's prefix.</summary>
    public static string? FromPeftKey(string key, string adapter)
    {
        if (!key.StartsWith(PeftPrefix, StringComparison.Ordinal)) return null;
        string name = key[PeftPrefix.Length..];
        foreach (var part in new[] { ".lora_A.", ".lora_B." })
        {
            int at = name.LastIndexOf(part, StringComparison.Ordinal);
            if (at >= 0) return name[..(at + part.Length)] + adapter + "." + name[(at + part.Length)..];
        }
        return name;
    }
}
