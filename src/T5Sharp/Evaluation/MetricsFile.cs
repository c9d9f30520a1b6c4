using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Formats;

namespace T5Sharp.Evaluation;

/// <summary>
/// metrics.json: <c>{"examples", "metrics": {name: value}, "intervals": {name: {"low", "mid", "high"}},
/// "generation_seconds", "scoring_seconds", "examples_per_second", "rouge_lsum_split"}</c> (the last only with rougeLsum:
/// "sentences" or "newline", see <see cref="SentenceSplit"/>). "metrics" is the flat dictionary HF's
/// evaluate-based scripts produce, so tools that read those read this.
/// </summary>
public static class MetricsFile
{
    public const string FileName = "metrics.json";

    /// <summary>Writes atomically.</summary>
    public static void Write(string path, MetricsSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteNumber("examples", summary.ExampleCount);
            json.WriteStartObject("metrics");
            foreach (var (name, value) in summary.Metrics) json.WriteNumber(name, value);
            json.WriteEndObject();
            json.WriteStartObject("intervals");
            foreach (var (name, interval) in summary.Intervals)
            {
                json.WriteStartObject(name);
                json.WriteNumber("low", interval.Low);
                json.WriteNumber("mid", interval.Mid);
                json.WriteNumber("high", interval.High);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteNumber("generation_seconds", summary.GenerationSeconds);
            json.WriteNumber("scoring_seconds", summary.ScoringSeconds);
            json.WriteNumber("examples_per_second", summary.ExamplesPerSecond);
            if (summary.RougeLsumSplit is { } split) json.WriteString("rouge_lsum_split", split);
            json.WriteEndObject();
        });
    }

    /// <exception cref="DataException">Missing file, bad JSON, a missing or mistyped key (named with the file).</exception>
    public static MetricsSummary Read(string path)
    {
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not valid JSON: {e.Message}", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new DataException($"{path}: expected a JSON object, found {root.ValueKind}");
        var metrics = new Dictionary<string, double>();
        foreach (var p in Get(root, "metrics", JsonValueKind.Object, path).EnumerateObject())
            metrics[p.Name] = Number(p.Value, $"metrics.{p.Name}", path);
        var intervals = new Dictionary<string, MetricInterval>();
        if (root.TryGetProperty("intervals", out _))
            foreach (var p in Get(root, "intervals", JsonValueKind.Object, path).EnumerateObject())
            {
                string key = $"intervals.{p.Name}";
                if (p.Value.ValueKind != JsonValueKind.Object) throw new DataException($"{path}: '{key}' is {p.Value.ValueKind}, expected an object");
                double At(string bound) => Number(Get(p.Value, bound, JsonValueKind.Number, path, key), $"{key}.{bound}", path);
                intervals[p.Name] = new MetricInterval(At("low"), At("mid"), At("high"));
            }
        int examples = (int)Number(Get(root, "examples", JsonValueKind.Number, path), "examples", path);
        double Optional(string key) => root.TryGetProperty(key, out var v) ? Number(v, key, path) : 0;
        string? split = null;
        if (root.TryGetProperty("rouge_lsum_split", out var s))
            split = s.ValueKind == JsonValueKind.String ? s.GetString() : throw new DataException($"{path}: 'rouge_lsum_split' is {s.ValueKind}, expected a string");
        return new MetricsSummary(examples, metrics, intervals, Optional("generation_seconds"), Optional("scoring_seconds"))
            { RougeLsumSplit = split };
    }

    static JsonElement Get(JsonElement obj, string key, JsonValueKind kind, string path, string? parent = null)
    {
        string name = parent is null ? key : $"{parent}.{key}";
        if (!obj.TryGetProperty(key, out var value)) throw new DataException($"{path}: no key '{name}'");
        if (value.ValueKind != kind) throw new DataException($"{path}: '{name}' is {value.ValueKind}, expected {kind}");
        return value;
    }

    static double Number(JsonElement value, string key, string path) =>
        value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new DataException($"{path}: '{key}' is {value.ValueKind}, expected a number");
}
