using System.Text.Json;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Evaluation;

/// <summary>One fixture set: pairs.jsonl plus the reference JSON computed by rouge_score / sacrebleu.</summary>
public sealed class MetricFixture
{
    public required string Name { get; init; }
    public required List<string> Predictions { get; init; }
    public required List<IReadOnlyList<string>> References { get; init; }
    public required JsonElement Reference { get; init; }
    public bool MultiRef => References.Any(r => r.Count > 1);

    /// <summary>Sets: "hf:pairs.jsonl", "hf:pairs_multi_ref.jsonl" and every folder of hf2/metrics_real.</summary>
    public static IEnumerable<object[]> Names()
    {
        yield return ["hf:pairs.jsonl"];
        yield return ["hf:pairs_multi_ref.jsonl"];
        foreach (var dir in Directory.GetDirectories(Path.Combine(SharedPaths.Hf2, "metrics_real")).Order())
            yield return ["hf2:" + Path.GetFileName(dir)];
    }

    static readonly Dictionary<string, MetricFixture> Cache = new();

    public static MetricFixture Load(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var cached)) return cached;
            string pairsPath;
            JsonElement reference;
            if (name.StartsWith("hf:"))
            {
                var file = name[3..];
                pairsPath = Path.Combine(SharedPaths.Hf, "metrics", file);
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf, "metrics", "metrics_reference.json")));
                reference = doc.RootElement.GetProperty("results").GetProperty(file).Clone();
            }
            else
            {
                var dir = Path.Combine(SharedPaths.Hf2, "metrics_real", name[4..]);
                pairsPath = Path.Combine(dir, "pairs.jsonl");
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
                reference = doc.RootElement.Clone();
            }
            var predictions = new List<string>();
            var references = new List<IReadOnlyList<string>>();
            foreach (var line in File.ReadLines(pairsPath))
            {
                if (line.Length == 0) continue;
                using var pair = JsonDocument.Parse(line);
                predictions.Add(pair.RootElement.GetProperty("prediction").GetString()!);
                var r = pair.RootElement.GetProperty("reference");
                references.Add(r.ValueKind == JsonValueKind.Array
                    ? r.EnumerateArray().Select(x => x.GetString()!).ToArray()
                    : [r.GetString()!]);
            }
            var fixture = new MetricFixture { Name = name, Predictions = predictions, References = references, Reference = reference };
            Cache[name] = fixture;
            return fixture;
        }
    }

    public IReadOnlyList<IReadOnlyList<string>> ReferenceStreams()
    {
        int count = References[0].Count;
        return Enumerable.Range(0, count).Select(s => (IReadOnlyList<string>)References.Select(r => r[s]).ToArray()).ToArray();
    }
}
