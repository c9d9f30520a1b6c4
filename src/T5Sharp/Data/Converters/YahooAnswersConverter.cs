using System.Text.Json;

namespace T5Sharp.Data.Converters;

/// <summary>
/// Yahoo Answers "nfL6" (a JSON array of {question, answer, nbestanswers, main_category, id}) → JSONL
/// <c>{question, answer}</c> with the chosen best answer. Records with an empty question or answer are dropped.
/// </summary>
public static class YahooAnswersConverter
{
    public static ConversionResult Convert(string inputPath, string outputPath, YahooAnswersOptions? options = null)
    {
        options ??= new YahooAnswersOptions();
        if (options.MaxRecords is < 1) throw new ArgumentException($"max records must be at least 1, found {options.MaxRecords}");
        var records = new List<IReadOnlyList<(string, string)>>();
        int dropped = 0, skipped = 0;
        foreach (var record in new Readers.JsonArrayRecordSource().Read(inputPath))
        {
            string question = record.Get("question"), answer = record.Get("answer");
            if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer)) { dropped++; continue; }
            if (records.Count == options.MaxRecords) { skipped++; continue; }
            records.Add([("question", question), ("answer", answer)]);
        }
        if (records.Count == 0) throw new DataException($"{inputPath}: no usable question/answer records ({dropped} dropped as empty)");
        JsonlRecordWriter.Write(outputPath, records);
        return new ConversionResult(records.Count, dropped, skipped, outputPath);
    }
}
