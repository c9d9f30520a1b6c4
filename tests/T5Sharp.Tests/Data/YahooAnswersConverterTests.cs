using System.CommandLine;
using T5Sharp.Cli.Commands;
using T5Sharp.Data;
using T5Sharp.Data.Converters;
using T5Sharp.Data.Readers;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Data;

public class YahooAnswersConverterTests
{
    static string Sample => Path.Combine(SharedPaths.Data, "yahoo_answers_qa", "nfL6.sample109.json");

    [Fact]
    public void ConvertsTheRealSample()
    {
        using var dir = new TempDir();
        var result = YahooAnswersConverter.Convert(Sample, dir.File("qa.jsonl"));
        Assert.Equal((109, 0, 0), (result.RecordsWritten, result.Dropped, result.Skipped));
        var records = RecordReader.Read(dir.File("qa.jsonl")).ToList();
        Assert.Equal(109, records.Count);
        Assert.Equal(["question", "answer"], records[0].Fields.Keys);
        Assert.Equal("Why did the U.S Invade Iraq ?", records[0].Get("question"));
        Assert.StartsWith("A small group of politicians believed strongly that the fact that Saddam Hussien", records[0].Get("answer"));
        Assert.Equal("How to get rid of a beehive?", records[1].Get("question"));
        Assert.StartsWith("Call an area apiarist.  They should be able to help you", records[1].Get("answer"));
        Assert.Equal("What is the bad effect of not having sex regularly?", records[^1].Get("question"));
    }

    [Fact]
    public void EmptyAnswersAreDroppedAndMissingFieldsNamed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.json"), """[{"question": "Q1?", "answer": "A1"}, {"question": "Q2?", "answer": "  "}, {"question": "Q3?", "answer": "A3"}]""");
        var result = YahooAnswersConverter.Convert(dir.File("in.json"), dir.File("out.jsonl"), new YahooAnswersOptions(MaxRecords: 1));
        Assert.Equal((1, 1, 1), (result.RecordsWritten, result.Dropped, result.Skipped));

        File.WriteAllText(dir.File("in.json"), """[{"question": "Q1?"}]""");
        var e = Assert.Throws<DataException>(() => YahooAnswersConverter.Convert(dir.File("in.json"), dir.File("out.jsonl")));
        Assert.Equal($"{dir.File("in.json")} record 1: no field 'answer' (fields: question)", e.Message);
    }

    [Fact]
    public void PrepareVerbWritesAndReports()
    {
        using var dir = new TempDir();
        var stdout = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(stdout);
        int code;
        try
        {
            var root = new RootCommand { PrepareCommand.Create() };
            code = root.Parse(["prepare", "yahoo", "--input", Sample, "--out", dir.File("qa.jsonl")]).Invoke();
        }
        finally { Console.SetOut(saved); }
        Assert.Equal(0, code);
        Assert.Contains($"wrote 109 records to {dir.File("qa.jsonl")}", stdout.ToString());
        Assert.Equal(109, RecordReader.Read(dir.File("qa.jsonl")).Count());
    }
}
