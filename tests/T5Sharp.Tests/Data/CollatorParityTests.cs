using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;

namespace T5Sharp.Tests.Data;

/// <summary>
/// The whole data pipeline against HF's DataCollatorForSeq2Seq as Seq2SeqTrainer fed it (hf2 trainer_runs/run_a):
/// first 64 DialogSum train records in file order, the summarization prompt, max 128/48, batch 4, pad_to_multiple_of 8.
/// </summary>
public class CollatorParityTests
{
    const string Prompt = "Summarize the following conversation:\n\n{dialogue}\n\nSummary:";

    static (long[][] InputIds, long[][] Mask, long[][] Labels)[] FixtureBatches()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "trainer_runs", "run_a", "batches.json")));
        static long[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        return doc.RootElement.GetProperty("batches").EnumerateArray()
            .Select(b => (Rows(b.GetProperty("input_ids")), Rows(b.GetProperty("attention_mask")), Rows(b.GetProperty("labels")))).ToArray();
    }

    static Seq2SeqTokenizedDataset First64()
    {
        var mapper = new SourceTargetMapper(null, "summary", new PromptTemplate(Prompt));
        string path = Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.train.jsonl");
        var examples = T5Sharp.Data.Readers.RecordReader.Read(path).Take(64).Select(mapper.Map).ToList();
        return Seq2SeqTokenizedDataset.Create(examples, T5Tokenizer.FromFolder(SharedPaths.RealTokenizer), 128, 48);
    }

    [Fact]
    public void EveryMicroBatchMatchesHfDataCollatorForSeq2Seq()
    {
        var expected = FixtureBatches();
        Assert.Equal(16, expected.Length);
        var dataset = First64();
        var collator = new Seq2SeqCollator(padTokenId: 0, labelPadTokenId: -100, padToMultipleOf: 8);
        var batches = dataset.Examples.Chunk(4).Select(collator.Collate).ToArray();
        Assert.Equal(expected.Length, batches.Length);
        for (int b = 0; b < batches.Length; b++)
        {
            Assert.Equal(expected[b].InputIds, batches[b].InputIds);
            Assert.Equal(expected[b].Mask, batches[b].AttentionMask);
            Assert.Equal(expected[b].Labels, batches[b].Labels);
        }
        // The fixture exercises both roundings: some label widths were already multiples of 8, inputs hit the 128 cap.
        Assert.All(batches, b => Assert.Equal(0, b.Labels[0].Length % 8));
        Assert.Contains(batches, b => b.InputIds[0].Length == 128);
    }

    [Fact]
    public void TruncationReportCountsWhatWasCut()
    {
        var dataset = First64();
        var report = dataset.Report;
        Assert.Equal(64, report.Examples);
        // A source was cut exactly when its fixture row is full (128 ids) and its untruncated length exceeds 128.
        int fullRows = FixtureBatches().SelectMany(b => b.Mask).Count(m => m.Sum() == 128);
        Assert.True(report.SourcesTruncated <= fullRows && report.SourcesTruncated > 0, $"{report.SourcesTruncated} vs {fullRows} full rows");
        Assert.Equal(report.SourceLengths.Max > 128, report.SourcesTruncated > 0);
        Assert.True(report.ExamplesTruncated >= Math.Max(report.SourcesTruncated, report.TargetsTruncated));
        Assert.All(dataset.Examples, e => Assert.Equal(1L, e.InputIds[^1]));
        Assert.All(dataset.Examples, e => Assert.True(e.InputIds.Length <= 128 && e.Labels.Length <= 48));
        Assert.Equal(64, report.SourceLengths.Count);
        Assert.True(report.SourceLengths.P50 <= report.SourceLengths.P90 && report.SourceLengths.P99 <= report.SourceLengths.Max);
    }
}
