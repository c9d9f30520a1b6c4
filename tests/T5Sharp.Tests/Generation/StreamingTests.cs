using T5Sharp.Generation;
using T5Sharp.Pretrained;
using T5Sharp.Runtime;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;

namespace T5Sharp.Tests.Generation;

/// <summary>Tokens reach the caller step by step and add up to HF's output; the chat context rolls within its budget.</summary>
public class StreamingTests
{
    sealed class Recorder : IGenerationStreamer
    {
        public List<long[]> Steps { get; } = [];
        public bool Ended { get; private set; }
        public void Put(int step, IReadOnlyList<long> tokens)
        {
            Assert.Equal(Steps.Count, step);
            Steps.Add(tokens.ToArray());
        }
        public void End() => Ended = true;
    }

    [Fact]
    public void StreamedTokensAreHfsGreedyTokens()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        var expected = LongRows(HfReference("tiny-flan").GetProperty("generate").GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "greedy").GetProperty("sequences"));
        var (ids, mask, labels) = HfBatch();
        using (ids) using (mask) using (labels)
        {
            var recorder = new Recorder();
            Seq2SeqGenerator.Generate(model, ids, mask, new GenerationConfig { MaxNewTokens = 20 }, recorder);
            Assert.True(recorder.Ended);
            for (int row = 0; row < expected.Length; row++)
                Assert.Equal(expected[row].Skip(1), recorder.Steps.Select(s => s[row]));
            Assert.Throws<GenerationConfigException>(() =>
                Seq2SeqGenerator.Generate(model, ids, mask, new GenerationConfig { NumBeams = 2, MaxNewTokens = 5 }, new Recorder()));
        }
    }

    [Fact]
    public void TextStreamerPiecesJoinToHfsDecodedText()
    {
        TorchRuntime.Initialize();
        using var pretrained = PretrainedT5.Load(Hf2ModelDir);
        var fixture = ReadJson(Path.Combine(SharedPaths.Hf2, "generate_32k.json"));
        var run = fixture.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "greedy_max48");
        string source = fixture.GetProperty("source_texts")[3].GetString()!; // 68 tokens: no truncation at 128
        var pieces = new List<string>();
        var text = TextGenerator.Generate(pretrained, [source], new GenerationConfig { MaxNewTokens = 48 },
            streamer: new TextStreamer(pretrained.Tokenizer, pieces.Add))[0];
        string expected = run.GetProperty("decoded_skip_special")[3].GetString()!;
        Assert.Equal(expected, text);
        Assert.Equal(expected, string.Concat(pieces));
        Assert.True(pieces.Count > 3, $"the text came in {pieces.Count} pieces");
    }

    /// <summary>Streams <paramref name="ids"/> one token a step; returns the pieces handed on.</summary>
    static List<string> StreamPieces(T5Sharp.Tokenization.T5Tokenizer tokenizer, IReadOnlyList<int> ids)
    {
        var pieces = new List<string>();
        var streamer = new TextStreamer(tokenizer, pieces.Add);
        for (int i = 0; i < ids.Count; i++) streamer.Put(i, [ids[i]]);
        streamer.End();
        return pieces;
    }

    /// <summary>
    /// Text is handed on token by token (as TGI streams), and what was handed on never has to change: on every DialogSum
    /// dev dialogue and summary (their "I ' Ve", "haven ' t" are what HF's clean-up rewrites after the fact) and on the
    /// clean-up's own patterns, the pieces join to HF's decoded text, with clean_up_tokenization_spaces off (FLAN-T5's
    /// tokenizer_config.json) and on (HF's default when the key is absent). HF's TextStreamer, which holds words back to
    /// the last space, would print "do " before "do n't" became "don't".
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamedPiecesNeverChangeAndComeTokenByToken(bool cleanUp)
    {
        using var temp = new TempDir();
        string folder = temp.File("tokenizer");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(SharedPaths.RealTokenizer)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        string configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["clean_up_tokenization_spaces"] = cleanUp;
        File.WriteAllText(configPath, config.ToJsonString());
        var tokenizer = T5Sharp.Tokenization.T5Tokenizer.FromFolder(folder);
        Assert.Equal(cleanUp, tokenizer.CleanUpTokenizationSpaces);

        var texts = new List<string>
        {
            "I do n't know , it ' s what I 've seen and they 're sure I 'm right .", "a ' b", "it ' s", "x n", "n", "' '",
            "don ' t", "tabs\tand\nnew lines ! ok ?", "Anna's train to Paris is 45 minutes late.",
        };
        foreach (var line in File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.dev.jsonl")))
        {
            var record = System.Text.Json.JsonDocument.Parse(line).RootElement;
            texts.Add(record.GetProperty("dialogue").GetString()!);
            texts.Add(record.GetProperty("summary").GetString()!);
        }
        int tokens = 0, pieces = 0;
        foreach (string text in texts)
        {
            var ids = tokenizer.Encode(text);
            var streamed = StreamPieces(tokenizer, ids);
            Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens: true), string.Concat(streamed));
            tokens += ids.Length;
            pieces += streamed.Count;
        }
        // token granularity: nearly every token releases text (one piece per word would be about 0.7 per token)
        Assert.True(pieces >= 0.9 * (tokens - texts.Count), $"{pieces} pieces for {tokens} tokens");
        Assert.Equal(["Anna", "'", "s", " train", " to", " Paris", " is", " 45", " minutes", " late", "."],
            StreamPieces(tokenizer, tokenizer.Encode("Anna's train to Paris is 45 minutes late.")));
        Assert.Equal(cleanUp ? ["do", "n't", " know"] : ["do", " n", "'", "t", " know"], StreamPieces(tokenizer, tokenizer.Encode("do n't know")));
    }

    [Fact]
    public void ConversationContextDropsOldestTurnsToFitTheBudget()
    {
        var tokenizer = T5Sharp.Tokenization.T5Tokenizer.FromFolder(SharedPaths.RealTokenizer);
        var context = new ConversationContext(maxTurns: 4, maxPromptTokens: 26);
        string Format(string lines) => $"Reply:\n{lines}\nBot:";
        context.Add("Ann", "Are we still meeting at the cafe tomorrow?");
        context.Add("Bot", "Yes, at ten.");
        Assert.Equal("Reply:\nAnn: Are we still meeting at the cafe tomorrow?\nBot: Yes, at ten.\nBot:", context.BuildPrompt(tokenizer, Format));
        context.Add("Ann", "Great, I will bring the tickets for the concert on Saturday evening.");
        string prompt = context.BuildPrompt(tokenizer, Format);
        Assert.True(tokenizer.Encode(prompt).Length <= 26);
        Assert.EndsWith("Ann: Great, I will bring the tickets for the concert on Saturday evening.\nBot:", prompt);
        Assert.Equal("Reply:\nAnn: Great, I will bring the tickets for the concert on Saturday evening.\nBot:", prompt); // two turns would need 30 tokens
        for (int i = 0; i < 5; i++) context.Add("Ann", $"turn {i}");
        Assert.Equal(4, context.Turns.Count);
        Assert.Equal("turn 1", context.Turns[0].Text);
    }
}
