using System.Text.Encodings.Web;
using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Data.Readers;
using T5Sharp.Formats;

namespace T5Sharp.Evaluation;

/// <summary>
/// predictions.jsonl: one JSON object per example, <c>{"index", "source", "reference", "prediction", "scores"}</c>;
/// "reference" is a string for one reference and a list for several (the layout of evaluate-style pairs files).
/// Reading needs only "prediction" and "reference" (so any pairs file of model outputs can be scored, in any format
/// <see cref="RecordReader"/> reads); "source" and "scores" are read when present. Errors name the file and line.
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
            foreach (var example in examples) WriteLine(stream, example);
        });
    }

    /// <summary>One example as one JSON line (the layout above).</summary>
    internal static void WriteLine(Stream stream, EvaluationExample example)
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

    /// <summary>
    /// Every record in file order, from a file of any format <see cref="RecordReader"/> reads (a CSV/TSV file holds one
    /// reference per record and no scores); Index is the record's position (0-based), Source "" when absent.
    /// </summary>
    /// <exception cref="DataException">Missing file, bad UTF-8 or syntax, a missing or mistyped field, no records.</exception>
    public static List<EvaluationExample> Read(string path)
    {
        var examples = new List<EvaluationExample>();
        foreach (var record in RecordReader.Read(path))
        {
            // A number where text belongs is a mistake in a predictions file, hence GetString rather than Get.
            string prediction = record.GetString("prediction");
            var references = record.GetTexts("reference");
            string source = record.Values.ContainsKey("source") ? record.GetString("source") : "";
            var scores = record.Values.ContainsKey("scores") ? record.GetNumbers("scores") : new Dictionary<string, double>();
            examples.Add(new EvaluationExample(examples.Count, source, references, prediction, scores));
        }
        if (examples.Count == 0) throw new DataException($"{path}: no records");
        return examples;
    }
}
