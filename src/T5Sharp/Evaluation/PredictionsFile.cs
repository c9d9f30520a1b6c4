using System.Text.Encodings.Web;
using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Formats;

namespace T5Sharp.Evaluation;

/// <summary>
/// predictions.jsonl: one JSON object per example, <c>{"index", "source", "reference", "prediction", "scores"}</c>;
/// "reference" is a string for one reference and a list for several (the layout of evaluate-style pairs files).
/// Reading needs only "prediction" and "reference" (so any pairs file of model outputs can be scored); "source" and
/// "scores" are read when present. Errors name the file and line.
/// </summary>
public static class PredictionsFile
{
    public const string FileName = "predictions.jsonl";

    // Readable non-ASCII text; the file is data, never embedded in HTML, so relaxed escaping is safe.
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the examples atomically (a crash leaves the old file or none, never half of one).</summary>
    public static void Write(string path, IEnumerable<EvaluationExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        AtomicFile.Write(path, stream =>
        {
            foreach (var example in examples)
            {
                using (var json = new Utf8JsonWriter(stream, WriterOptions))
                {
                    json.WriteStartObject();
                    json.WriteNumber("index", example.Index);
                    json.WriteString("source", example.Source);
                    if (example.References.Count == 1) json.WriteString("reference", example.References[0]);
                    else
                    {
                        json.WriteStartArray("reference");
                        foreach (var r in example.References) json.WriteStringValue(r);
                        json.WriteEndArray();
                    }
                    json.WriteString("prediction", example.Prediction);
                    json.WriteStartObject("scores");
                    foreach (var (name, value) in example.Scores) json.WriteNumber(name, value);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        });
    }

    /// <summary>Every record in file order; Index is the record's position (0-based), Source "" when absent.</summary>
    /// <exception cref="DataException">Missing file, bad UTF-8 or JSON, a missing or mistyped field, no records.</exception>
    public static List<EvaluationExample> Read(string path)
    {
        var examples = new List<EvaluationExample>();
        foreach (var (line, record) in JsonLinesReader.Read(path))
        {
            string prediction = RequireString(record, "prediction", path, line);
            var references = ReadReferences(record, path, line);
            string source = record.TryGetProperty("source", out _) ? RequireString(record, "source", path, line) : "";
            var scores = new Dictionary<string, double>();
            if (record.TryGetProperty("scores", out var s))
            {
                if (s.ValueKind != JsonValueKind.Object)
                    throw new DataException($"{path}:{line}: field 'scores' is {s.ValueKind}, expected an object of numbers");
                foreach (var p in s.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.Number)
                        throw new DataException($"{path}:{line}: scores.{p.Name} is {p.Value.ValueKind}, expected a number");
                    scores[p.Name] = p.Value.GetDouble();
                }
            }
            examples.Add(new EvaluationExample(examples.Count, source, references, prediction, scores));
        }
        if (examples.Count == 0) throw new DataException($"{path}: no records");
        return examples;
    }

    static string[] ReadReferences(JsonElement record, string path, int line)
    {
        if (!record.TryGetProperty("reference", out var value))
            throw new DataException($"{path}:{line}: no field 'reference' (fields: {string.Join(", ", record.EnumerateObject().Select(p => p.Name))})");
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return [value.GetString()!];
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                        throw new DataException($"{path}:{line}: field 'reference' holds a {item.ValueKind}, expected strings only");
                    list.Add(item.GetString()!);
                }
                if (list.Count == 0) throw new DataException($"{path}:{line}: field 'reference' is an empty list, expected at least one text");
                return list.ToArray();
            default:
                throw new DataException($"{path}:{line}: field 'reference' is {value.ValueKind}, expected a string or a list of strings");
        }
    }

    // Stricter than JsonLinesReader.GetString: a number where text belongs is a mistake in a predictions file.
    static string RequireString(JsonElement record, string field, string path, int line)
    {
        var text = JsonLinesReader.GetString(record, field, path, line);
        if (record.GetProperty(field).ValueKind != JsonValueKind.String)
            throw new DataException($"{path}:{line}: field '{field}' is {record.GetProperty(field).ValueKind}, expected a string");
        return text;
    }
}
