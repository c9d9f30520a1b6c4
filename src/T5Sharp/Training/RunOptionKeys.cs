using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace T5Sharp.Training;

/// <summary>
/// The run option names T5Sharp reads — derived from the [JsonPropertyName] properties of <see cref="RunOptions"/> and
/// <see cref="TrainingArguments"/>, so that a new option is known the moment it is a property — and the check of what a
/// user gives (run.json, --set): an unknown name is an error that suggests the nearest known one; a transformers
/// argument we don't implement is named as such (<see cref="HfTrainingArgumentNames"/>). Files transformers wrote
/// (a checkpoint's training_args.json) are not checked: they hold every HF field.
/// </summary>
public static class RunOptionKeys
{
    public static readonly IReadOnlySet<string> RunKeys = NamesOf(typeof(RunOptions));
    public static readonly IReadOnlySet<string> TrainingKeys = NamesOf(typeof(TrainingArguments));
    public static IEnumerable<string> All => RunKeys.Concat(TrainingKeys);

    /// <summary>Computed values that run.json and training_args.json of earlier versions held by mistake: read and dropped.</summary>
    static readonly HashSet<string> WrittenByEarlierVersions = ["BestMetricKey", "ResolvedGreaterIsBetter", "DataFiles"];

    static HashSet<string> NamesOf(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);

    public static bool IsComputed(string key) => WrittenByEarlierVersions.Contains(key);

    /// <summary>
    /// Checks the keys the run does not know as its own (those left for the training arguments); throws on the first
    /// that is misspelled or an HF argument that would change results, and returns warnings for the HF arguments
    /// that are ignored harmlessly.
    /// </summary>
    public static List<string> Check(IEnumerable<KeyValuePair<string, JsonElement>> keys, string source)
    {
        var warnings = new List<string>();
        foreach (var (key, value) in keys)
        {
            if (TrainingKeys.Contains(key) || RunKeys.Contains(key) || WrittenByEarlierVersions.Contains(key)) continue;
            if (HfTrainingArgumentNames.ChangesResults.ContainsKey(key))
            {
                if (!HfTrainingArgumentNames.IsDefault(key, value))
                    throw new TrainingException($"{source}: run option {key} is a transformers training argument that T5Sharp does not implement, " +
                                                $"and it would change the results (found {value.GetRawText()}); remove it");
                warnings.Add($"{source}: run option {key} is not implemented by T5Sharp; its value is transformers' default, so it changes nothing");
                continue;
            }
            if (HfTrainingArgumentNames.NoEffectOnResults.Contains(key))
            {
                warnings.Add($"{source}: run option {key} is a transformers training argument that T5Sharp does not implement; ignored (it does not change the results)");
                continue;
            }
            string? nearest = Nearest(key);
            throw new TrainingException($"{source}: unknown run option {key}" + (nearest is null ? "" : $"; did you mean {nearest}?"));
        }
        return warnings;
    }

    /// <summary>The known name closest by edit distance, when close enough to be a likely misspelling.</summary>
    public static string? Nearest(string key)
    {
        var best = All.Concat(HfTrainingArgumentNames.ChangesResults.Keys).Concat(HfTrainingArgumentNames.NoEffectOnResults)
            .Select(name => (Name: name, Distance: EditDistance(key, name)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).First();
        return best.Distance <= Math.Max(2, key.Length / 3) ? best.Name : null;
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    public static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
