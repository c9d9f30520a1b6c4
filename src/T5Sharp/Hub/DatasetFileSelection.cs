namespace T5Sharp.Hub;

/// <summary>
/// Which files of a dataset repo hold records, and which split each belongs to. The split is read from the path the way
/// the datasets library's default patterns do (a "train", "validation"/"valid"/"val"/"dev" or "test" word in the name or
/// folder); a file that names no split is training data. Parquet-conversion paths are {config}/{split}/{shard}.parquet.
/// </summary>
public static class DatasetFileSelection
{
    public const string ParquetRevision = "refs/convert/parquet";

    static readonly string[] DataExtensions = [".jsonl", ".json", ".csv", ".tsv", ".parquet"];

    // Metadata JSON files the datasets library writes next to data; they hold no records.
    static readonly HashSet<string> MetadataFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        "dataset_infos.json", "dataset_info.json", "dataset_dict.json", "state.json",
    };

    public static bool IsDataFile(string path)
    {
        string name = Path.GetFileName(path);
        return !name.StartsWith('.') && !path.Split('/').Any(p => p.StartsWith('.'))
            && !MetadataFiles.Contains(name)
            && DataExtensions.Any(ext => name.EndsWith(ext, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Groups a plain repo's data files by split, in path order.</summary>
    public static Dictionary<string, List<string>> BySplit(IEnumerable<string> files)
    {
        var splits = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string file in files.Where(IsDataFile).Order(StringComparer.Ordinal))
        {
            string split = file.Split('/', '.', '_', '-', ' ').Select(CanonicalSplit).FirstOrDefault(s => s != null) ?? "train";
            (splits.TryGetValue(split, out var list) ? list : splits[split] = []).Add(file);
        }
        return splits;
    }

    /// <summary>Groups the Parquet conversion's files of one config (<c>default</c> if there is one, else the first) by split.</summary>
    public static (string Config, Dictionary<string, List<string>> Splits)? ParquetBySplit(IEnumerable<string> files)
    {
        var parquet = files.Where(f => f.EndsWith(".parquet", StringComparison.Ordinal) && f.Count(c => c == '/') >= 1)
            .Order(StringComparer.Ordinal).ToList();
        if (parquet.Count == 0) return null;
        var configs = parquet.Select(f => f[..f.IndexOf('/')]).Distinct().ToList();
        string config = configs.Contains("default") ? "default" : configs[0];
        var splits = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string file in parquet.Where(f => f.StartsWith(config + "/", StringComparison.Ordinal)))
        {
            string[] parts = file.Split('/');
            // {config}/{split}/{n}.parquet, or the older flat {config}/{name}-{split}.parquet.
            string split = parts.Length >= 3 ? parts[1] : BySplit([parts[^1]]).Keys.First();
            split = CanonicalSplit(split) ?? split;
            (splits.TryGetValue(split, out var list) ? list : splits[split] = []).Add(file);
        }
        return (config, splits);
    }

    /// <summary>"train", "validation" or "test" for a word that names a split (case-insensitive), else null.</summary>
    public static string? CanonicalSplit(string word) => word.ToLowerInvariant() switch
    {
        "train" or "training" => "train",
        "validation" or "valid" or "val" or "dev" or "eval" => "validation",
        "test" or "testing" => "test",
        _ => null,
    };
}
