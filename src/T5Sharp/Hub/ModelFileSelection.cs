using System.Text.Json;

namespace T5Sharp.Hub;

/// <summary>
/// Which files of a model repo a T5Sharp job needs: the config, ONE set of weights (safetensors preferred over .bin, a
/// single file over a sharded index), the tokenizer files, the generation config, and a PEFT adapter's two files when the
/// repo is an adapter. Everything else in a repo (ONNX, TF, Flax, other formats) is never downloaded.
/// </summary>
public static class ModelFileSelection
{
    public static readonly IReadOnlyList<string> WeightFiles =
        ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"];

    static readonly string[] OptionalFiles =
    [
        "generation_config.json", "spiece.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
    ];

    static readonly string[] AdapterFiles = ["adapter_config.json", "adapter_model.safetensors"];

    /// <summary>The files to fetch from a repo listing; throws naming the repo when it has no config or no weights.</summary>
    public static IReadOnlyList<string> Select(HubRepoId repo, IReadOnlyCollection<string> repoFiles)
    {
        var have = repoFiles.ToHashSet(StringComparer.Ordinal);
        var chosen = new List<string>();
        bool isAdapter = have.Contains("adapter_config.json") && !have.Contains("config.json");
        if (isAdapter)
        {
            string? adapterWeights = new[] { "adapter_model.safetensors", "adapter_model.bin" }.FirstOrDefault(have.Contains);
            if (adapterWeights == null)
                throw new HubException($"Model repository {repo} has adapter_config.json but no adapter_model.safetensors or adapter_model.bin.");
            chosen.Add("adapter_config.json");
            chosen.Add(adapterWeights);
        }
        else
        {
            if (!have.Contains("config.json"))
                throw new HubException($"Model repository {repo} has no config.json (files: {Preview(repoFiles)}); it is not a Hugging Face model folder.");
            string? weights = WeightFiles.FirstOrDefault(have.Contains);
            if (weights == null)
                throw new HubException($"Model repository {repo} has no weights T5Sharp can read: expected one of {string.Join(", ", WeightFiles)} (files: {Preview(repoFiles)}).");
            chosen.Add("config.json");
            chosen.Add(weights);
            chosen.AddRange(AdapterFiles.Where(have.Contains));
        }
        chosen.AddRange(OptionalFiles.Where(have.Contains));
        return chosen;
    }

    /// <summary>The shard files a <c>*.index.json</c> names in its <c>weight_map</c>.</summary>
    public static IReadOnlyList<string> ShardsOf(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
            return doc.RootElement.GetProperty("weight_map").EnumerateObject()
                .Select(p => p.Value.GetString()!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubException($"{indexPath}: expected a JSON object with 'weight_map' {{tensor name: shard file}}: {e.Message}", e);
        }
    }

    /// <summary>What an already-cached snapshot folder lacks for a job (empty when it is complete), for offline runs.</summary>
    public static IReadOnlyList<string> MissingFromFolder(string folder)
    {
        bool Has(string f) => File.Exists(Path.Combine(folder, f));
        if (Has("adapter_config.json") && !Has("config.json"))
            return Has("adapter_model.safetensors") || Has("adapter_model.bin") ? [] : ["adapter_model.safetensors"];
        var missing = new List<string>();
        if (!Has("config.json")) missing.Add("config.json");
        string? weights = WeightFiles.FirstOrDefault(Has);
        if (weights == null) missing.Add(string.Join(" or ", WeightFiles));
        else if (weights.EndsWith(".index.json", StringComparison.Ordinal))
            missing.AddRange(ShardsOf(Path.Combine(folder, weights)).Where(s => !Has(s)));
        return missing;
    }

    static string Preview(IReadOnlyCollection<string> files) =>
        files.Count <= 12 ? string.Join(", ", files) : string.Join(", ", files.Take(12)) + $", … ({files.Count} in all)";
}
