using System.Text;
using Parquet.Serialization;
using T5Sharp.Data;
using T5Sharp.Data.Readers;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Data;

public class RecordReaderTests
{
    [Fact]
    public void JsonLinesGivesFieldsAndLineNumbers()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.jsonl"), "{\"q\": \"hi\", \"n\": 3, \"x\": null}\n\n{\"q\": \"there\", \"n\": 4.5, \"x\": [1]}\n");
        var records = RecordReader.Read(dir.File("a.jsonl")).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("hi", records[0].Get("q"));
        Assert.Equal("3", records[0].Get("n"));
        Assert.Null(records[0].Fields["x"]);
        Assert.Equal("[1]", records[1].Get("x"));
        Assert.Equal(3, records[1].Location.Number); // the blank line counts
    }

    [Fact]
    public void BadJsonLineAndMissingFieldNameFileAndLine()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.jsonl");
        File.WriteAllText(path, "{\"q\": \"ok\"}\n{\"q\": oops}\n");
        var e = Assert.Throws<DataException>(() => RecordReader.Read(path).ToList());
        Assert.StartsWith($"{path}:2: not valid JSON", e.Message);

        File.WriteAllText(path, "{\"q\": \"ok\", \"a\": \"x\"}\n{\"q\": \"no answer\"}\n");
        var mapper = new SourceTargetMapper("q", "a");
        var missing = Assert.Throws<DataException>(() => mapper.MapFile(path));
        Assert.Equal($"{path}:2: no field 'a' (fields: q)", missing.Message);
    }

    [Fact]
    public void EmptyDatasetAndUnknownExtensionAreClearErrors()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("empty.jsonl"), "\n\n");
        var e = Assert.Throws<DataException>(() => new SourceTargetMapper("q", "a").MapFile(dir.File("empty.jsonl")));
        Assert.Contains("empty.jsonl: the dataset is empty", e.Message);
        var ext = Assert.Throws<DataException>(() => RecordReader.Read(dir.File("data.xlsx")));
        Assert.Contains("unknown data file type '.xlsx'", ext.Message);
        var missing = Assert.Throws<DataException>(() => RecordReader.Read(dir.File("none.csv")));
        Assert.Contains("none.csv: file not found", missing.Message);
    }

    [Fact]
    public void JsonArrayReadsSamsum()
    {
        var records = RecordReader.Read(Path.Combine(SharedPaths.Data, "samsum", "test.json")).ToList();
        Assert.Equal(819, records.Count); // len(json.load(test.json))
        Assert.Equal("13862856", records[0].Get("id"));
        Assert.Equal("Hannah needs Betty's number but Amanda doesn't have it. She needs to contact Larry.", records[0].Get("summary"));
        Assert.Equal("13818810", records[^1].Get("id"));
        Assert.Equal("record", records[^1].Location.Unit);
    }

    [Fact]
    public void CsvHandlesQuotedMultiLineFieldsAndReportsLines()
    {
        using var dir = new TempDir();
        string path = dir.File("d.csv");
        File.WriteAllText(path, "dialogue,summary\n\"A: hi, you\nB: \"\"yo\"\"\",greeting\nplain,second\n");
        var records = RecordReader.Read(path).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("A: hi, you\nB: \"yo\"", records[0].Get("dialogue"));
        Assert.Equal("greeting", records[0].Get("summary"));
        Assert.Equal(2, records[0].Location.Number);
        Assert.Equal(4, records[1].Location.Number); // after the two-line record

        File.WriteAllText(path, "dialogue,summary\nok,fine\nonly one field\n");
        var e = Assert.Throws<DataException>(() => RecordReader.Read(path).ToList());
        Assert.Equal($"{path}:3: 1 fields, the header has 2 (dialogue, summary)", e.Message);
    }

    [Fact]
    public void TsvSplitsOnTabs()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.tsv"), "question\tanswer\nWhy, though?\tBecause, well.\n");
        var r = Assert.Single(RecordReader.Read(dir.File("d.tsv")));
        Assert.Equal("Why, though?", r.Get("question"));
        Assert.Equal("Because, well.", r.Get("answer"));
    }

    public sealed class QaRow
    {
        public string Question { get; set; } = "";
        public string? Answer { get; set; }
        public int Votes { get; set; }
    }

    [Fact]
    public void ParquetWrittenByParquetNetReadsBack()
    {
        using var dir = new TempDir();
        string path = dir.File("qa.parquet");
        var rows = new[]
        {
            new QaRow { Question = "What is T5?", Answer = "A text-to-text transformer.\nBy Google.", Votes = 7 },
            new QaRow { Question = "Ünïcode?", Answer = null, Votes = -1 },
        };
        ParquetSerializer.SerializeAsync(rows, path).GetAwaiter().GetResult();
        var records = RecordReader.Read(path).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("What is T5?", records[0].Get("Question"));
        Assert.Equal("A text-to-text transformer.\nBy Google.", records[0].Get("Answer"));
        Assert.Equal("7", records[0].Get("Votes"));
        Assert.Equal("Ünïcode?", records[1].Get("Question"));
        var e = Assert.Throws<DataException>(() => records[1].Get("Answer"));
        Assert.Equal($"{path} row 2: field 'Answer' is null, expected text", e.Message);
    }

    static byte[] Latin1Cafe(string before, string after)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(before + "caf"));
        bytes.Add(0xE9); // 'é' in Latin-1: not valid UTF-8
        bytes.AddRange(Encoding.UTF8.GetBytes(after));
        return bytes.ToArray();
    }

    [Theory]
    [InlineData("d.csv", "dialogue,summary\n\"A: hi\nB: yo\",ok\n\"", "\",fine\n", 4)]
    [InlineData("d.tsv", "dialogue\tsummary\nx\ty\n", "\tz\n", 3)]
    [InlineData("d.json", "[\n  {\"q\": \"a\"},\n  {\"q\": \"", "\"}\n]\n", 3)]
    [InlineData("d.jsonl", "{\"q\": \"a\"}\r\n{\"q\": \"", "\"}\r\n", 2)]
    public void InvalidUtf8_IsRejected_NamingTheLine_InEveryTextFormat(string name, string before, string after, int line)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        File.WriteAllBytes(path, Latin1Cafe(before, after));
        var e = Assert.Throws<DataException>(() => RecordReader.Read(path).ToList());
        Assert.StartsWith($"{path}:{line}: not valid UTF-8", e.Message);
        // The same text in UTF-8 reads, 'é' intact (no U+FFFD), with a byte-order mark and Windows line ends kept apart.
        File.WriteAllText(path, (before + "café" + after).Replace("\n", "\r\n"), new UTF8Encoding(true));
        var records = RecordReader.Read(path).ToList();
        Assert.Contains(records, r => r.Fields.Values.Any(v => v is not null && v.Contains("café")));
        Assert.DoesNotContain(records, r => r.Fields.Values.Any(v => v is not null && v.Contains('\uFFFD')));
    }

    [Fact]
    public void CsvKeepsLineEndsInsideQuotedFields()
    {
        using var dir = new TempDir();
        string path = dir.File("crlf.csv");
        File.WriteAllText(path, "a,b\r\n\"one\r\ntwo\",x\r\n");
        var r = Assert.Single(RecordReader.Read(path));
        Assert.Equal("one\r\ntwo", r.Get("a"));
        Assert.Equal("x", r.Get("b"));
    }

    public sealed class TypedRow
    {
        public string Text { get; set; } = "";
        public double Score { get; set; }
        public List<string> Texts { get; set; } = [];
        public Dictionary<string, double> Scores { get; set; } = [];
    }

    [Fact]
    public void TypedValues_FromJsonAndParquet_AndOneErrorShape()
    {
        using var dir = new TempDir();
        string parquet = dir.File("t.parquet");
        ParquetSerializer.SerializeAsync(new[] { new TypedRow { Text = "t", Score = 2.5, Texts = ["a", "b"], Scores = new() { ["bleu"] = 1.5 } } }, parquet)
            .GetAwaiter().GetResult();
        string jsonl = dir.File("t.jsonl");
        File.WriteAllText(jsonl, "{\"Text\": \"t\", \"Score\": 2.5, \"Texts\": [\"a\", \"b\"], \"Scores\": {\"bleu\": 1.5}}\n");
        foreach (var (path, at) in new[] { (parquet, $"{parquet} row 1"), (jsonl, $"{jsonl}:1") })
        {
            var r = Assert.Single(RecordReader.Read(path));
            Assert.Equal(FieldKind.Number, r.Value("Score").Kind);
            Assert.Equal(2.5, r.Value("Score").Number);
            Assert.Equal("2.5", r.Get("Score"));
            Assert.Equal(["a", "b"], r.GetTexts("Texts"));
            Assert.Equal(["t"], r.GetTexts("Text"));
            Assert.Equal(new Dictionary<string, double> { ["bleu"] = 1.5 }, r.GetNumbers("Scores"));
            Assert.Equal("[\"a\",\"b\"]", r.Get("Texts").Replace(" ", "")); // lists as JSON text for templates
            Assert.Equal($"{at}: field 'Score' is Number, expected a string", Assert.Throws<DataException>(() => r.GetString("Score")).Message);
            Assert.Equal($"{at}: field 'Scores' is Object, expected a string or a list of strings",
                Assert.Throws<DataException>(() => r.GetTexts("Scores")).Message);
            Assert.Equal($"{at}: field 'Texts' is Array, expected an object of numbers", Assert.Throws<DataException>(() => r.GetNumbers("Texts")).Message);
            Assert.Equal($"{at}: no field 'Nope' (fields: Text, Score, Texts, Scores)", Assert.Throws<DataException>(() => r.GetTexts("Nope")).Message);
        }
    }
}
