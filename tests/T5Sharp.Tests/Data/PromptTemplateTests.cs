using T5Sharp.Data;

namespace T5Sharp.Tests.Data;

public class PromptTemplateTests
{
    static DataRecord Record(params (string, string?)[] fields) =>
        new(fields.ToDictionary(f => f.Item1, f => f.Item2), new RecordLocation("qa.jsonl", 7));

    [Fact]
    public void FillsPlaceholdersLikePythonFormat()
    {
        var t = new PromptTemplate("Summarize the following conversation:\n\n{dialogue}\n\nSummary:");
        Assert.Equal(["dialogue"], t.Fields);
        Assert.Equal("Summarize the following conversation:\n\nA: hi\nB: yo\n\nSummary:", t.Render(Record(("dialogue", "A: hi\nB: yo"))));
        // "{{x}} {q} {q}".format(q="?") == "{x} ? ?"
        Assert.Equal("{x} ? ?", new PromptTemplate("{{x}} {q} {q}").Render(Record(("q", "?"))));
        Assert.Equal("Please answer this question: Why?", new PromptTemplate("Please answer this question: {question}").Render(Record(("question", "Why?"))));
    }

    [Fact]
    public void MissingFieldNamesTheRecord()
    {
        var e = Assert.Throws<DataException>(() => new PromptTemplate("Q: {question}").Render(Record(("query", "x"))));
        Assert.Equal("qa.jsonl:7: no field 'question' (fields: query)", e.Message);
    }

    [Theory]
    [InlineData("a } b")]
    [InlineData("a { b")]
    [InlineData("a {} b")]
    [InlineData("{x:>10}")]
    public void MalformedTemplatesAreRejected(string text) =>
        Assert.Throws<ArgumentException>(() => new PromptTemplate(text));

    [Fact]
    public void MapperUsesTemplateOrField()
    {
        var record = Record(("question", "Why?"), ("answer", "Because."));
        var plain = new SourceTargetMapper("question", "answer").Map(record);
        Assert.Equal(("Why?", "Because."), (plain.Source, plain.Target));
        var prompted = new SourceTargetMapper(null, "answer", new PromptTemplate("Please answer this question: {question}")).Map(record);
        Assert.Equal("Please answer this question: Why?", prompted.Source);
        Assert.Equal(record.Location, prompted.Location);
    }
}
