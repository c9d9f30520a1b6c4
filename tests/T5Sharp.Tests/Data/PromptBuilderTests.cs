using T5Sharp.Data;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Data;

/// <summary>Prompts as every generating verb builds them: a preset's prefix, then the template with {text} and record fields.</summary>
public class PromptBuilderTests
{
    [Fact]
    public void PrefixThenTemplateWithTextAndFields()
    {
        var template = PromptBuilder.TypedTemplate(@"Topic {topic}:\n{text}\tEnd")!;
        Assert.Equal("Topic {topic}:\n{text}\tEnd", template.Text); // \n and \t typed on a shell become the characters
        var builder = new PromptBuilder(template, "summarize: ");
        var record = new DataRecord(new Dictionary<string, string?> { ["topic"] = "food" }, new RecordLocation("f.jsonl", 3));
        Assert.Equal("summarize: Topic food:\nhi\tEnd", builder.ForText("hi", record));
        Assert.Equal("summarize: plain", new PromptBuilder(Prefix: "summarize: ").ForText("plain"));
        Assert.Equal("plain", new PromptBuilder().ForText("plain"));
        Assert.Equal("summarize: already built", builder.ForRendered("already built"));

        var e = Assert.Throws<DataException>(() => builder.ForText("hi", "--interactive"));
        Assert.StartsWith("--interactive:1: no field 'topic'", e.Message);
    }

    [Fact]
    public void FileInputsByFieldOrByWholeRecordTemplate()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.jsonl"), "{\"dialogue\": \"A: hi\", \"topic\": \"greeting\"}\n");
        var withText = new PromptTemplate("{topic}: {text}");
        var byField = PromptInputs.Read(null, dir.File("in.jsonl"), "dialogue", withText);
        Assert.Equal("A: hi", byField[0].Text); // shown as the input: the field's text
        Assert.Equal(">> greeting: A: hi", new PromptBuilder(withText, ">> ").For(byField[0]));

        var template = new PromptTemplate("Summarize {dialogue} ({topic})");
        var byRecord = PromptInputs.Read(null, dir.File("in.jsonl"), null, template);
        Assert.Equal("Summarize A: hi (greeting)", byRecord[0].Text); // shown as the input: the rendered record
        Assert.Equal("p: Summarize A: hi (greeting)", new PromptBuilder(template, "p: ").For(byRecord[0])); // not rendered twice

        Assert.Equal("give exactly one of --input TEXT or --input-file FILE",
            Assert.Throws<ArgumentException>(() => PromptInputs.Read("x", dir.File("in.jsonl"), null, null)).Message);
    }
}
