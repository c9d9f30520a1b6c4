using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using T5Sharp.Generation;
using T5Sharp.Server;

namespace T5Sharp.Tests.Server;

/// <summary>Every route of `t5sharp serve` in-process on 127.0.0.1: outputs equal the library's, SSE framed exactly.</summary>
[Collection(ServerCollection.Name)]
public class ServerRouteTests(ServerFixture f)
{
    const string Prompt = "summarize: the quick brown fox jumps over the lazy dog";

    [Fact]
    public async Task CompletionsGreedyBeamsAndSeededSamplingEqualTheLibrary()
    {
        var (status, body) = await f.Post("/v1/completions", new { model = "tiny", prompt = Prompt, max_tokens = 12 });
        Assert.Equal(200, status);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString());
        Assert.Equal("tiny", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(f.Expected(Prompt, new GenerationSettings { MaxNewTokens = 12 })[0], choice.GetProperty("text").GetString());
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        var usage = body.GetProperty("usage");
        Assert.Equal(f.Reference.Tokenizer.Encode(Prompt).Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());

        (_, body) = await f.Post("/v1/completions", new { prompt = Prompt, max_tokens = 10, num_beams = 3, n = 2, length_penalty = 0.5 });
        var beams = f.Expected(Prompt, new GenerationSettings { MaxNewTokens = 10, NumBeams = 3, NumReturnSequences = 2, LengthPenalty = 0.5 });
        Assert.Equal(beams, body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()!).ToList());

        var sampled = new GenerationSettings { MaxNewTokens = 10, DoSample = true, Temperature = 0.8, TopP = 0.9, Seed = 42 };
        (_, body) = await f.Post("/v1/completions", new { prompt = Prompt, max_tokens = 10, temperature = 0.8, top_p = 0.9, seed = 42 });
        Assert.Equal(f.Expected(Prompt, sampled)[0], body.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task CompletionsStreamIsOpenAiFramedAndEqualsTheWholeAnswer()
    {
        var expected = f.Expected(Prompt, new GenerationSettings { MaxNewTokens = 16 })[0];
        using var response = await f.Client.PostAsJsonAsync("/v1/completions", new { prompt = Prompt, max_tokens = 16, stream = true });
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var chunks = SseParser.OpenAi(await response.Content.ReadAsStringAsync());
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal(expected, string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        Assert.Contains(chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
    }

    [Fact]
    public async Task ChatAnswersTheNameTextLinesAndStreamsDeltas()
    {
        var messages = new[] { new { role = "user", content = "hi there" }, new { role = "assistant", content = "hello" }, new { role = "user", content = "how are you?" } };
        var expected = f.Expected("User: hi there\nBot: hello\nUser: how are you?", new GenerationSettings { MaxNewTokens = 12 })[0];
        var (status, body) = await f.Post("/v1/chat/completions", new { model = "tiny", messages, max_tokens = 12 });
        Assert.Equal(200, status);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(expected, message.GetProperty("content").GetString());

        using var response = await f.Client.PostAsJsonAsync("/v1/chat/completions", new { messages, max_tokens = 12, stream = true });
        var chunks = SseParser.OpenAi(await response.Content.ReadAsStringAsync());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(expected, string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Empty(last.GetProperty("delta").EnumerateObject());
        Assert.Contains(last.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
    }

    [Fact]
    public async Task TgiGenerateAndStreamEqualTheLibrary()
    {
        var expected = f.Expected(Prompt, new GenerationSettings { MaxNewTokens = 14 })[0];
        var (status, body) = await f.Post("/generate", new { inputs = Prompt, parameters = new { max_new_tokens = 14, details = true } });
        Assert.Equal(200, status);
        Assert.Equal(expected, body.GetProperty("generated_text").GetString());
        Assert.InRange(body.GetProperty("details").GetProperty("generated_tokens").GetInt32(), 1, 14);

        using var response = await f.Client.PostAsJsonAsync("/generate_stream", new { inputs = Prompt, parameters = new { max_new_tokens = 14 } });
        var events = SseParser.Events(await response.Content.ReadAsStringAsync()).Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(events[..^1], e => Assert.Equal(JsonValueKind.Null, e.GetProperty("generated_text").ValueKind));
        Assert.Equal(expected, events[^1].GetProperty("generated_text").GetString());
        Assert.Equal(expected, string.Concat(events.Select(e => e.GetProperty("token").GetProperty("text").GetString())));
        Assert.Equal(body.GetProperty("details").GetProperty("generated_tokens").GetInt32(), events.Count);

        var sampled = new GenerationSettings { MaxNewTokens = 8, DoSample = true, TopK = 10, Seed = 5 };
        (_, body) = await f.Post("/generate", new { inputs = Prompt, parameters = new { max_new_tokens = 8, do_sample = true, top_k = 10, seed = 5 } });
        Assert.Equal(f.Expected(Prompt, sampled)[0], body.GetProperty("generated_text").GetString());
    }

    [Fact]
    public async Task AdaptersArePickedPerRequest()
    {
        var (_, models) = await f.Post("/v1/completions", new { prompt = "x", max_tokens = 1 }); // warm
        var list = await f.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal(["tiny", "qv"], list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
        var settings = new GenerationSettings { MaxNewTokens = 12 };
        string withAdapter = f.Expected(Prompt, settings, adapter: true)[0], without = f.Expected(Prompt, settings)[0];
        Assert.NotEqual(without, withAdapter); // the adapter changes the answer, so picking it is visible
        var a = f.Post("/v1/completions", new { model = "qv", prompt = Prompt, max_tokens = 12 });
        var b = f.Post("/v1/completions", new { model = "tiny", prompt = Prompt, max_tokens = 12 });
        var c = f.Post("/generate", new { inputs = Prompt, parameters = new { max_new_tokens = 12, adapter_id = "qv" } });
        Assert.Equal(withAdapter, (await a).Body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(without, (await b).Body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(withAdapter, (await c).Body.GetProperty("generated_text").GetString());
    }

    [Fact]
    public async Task OperationsRoutesAnswer()
    {
        Assert.Equal("ok", (await f.Client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("status").GetString());
        Assert.Equal("ready", (await f.Client.GetFromJsonAsync<JsonElement>("/ready")).GetProperty("status").GetString());
        var info = await f.Client.GetFromJsonAsync<JsonElement>("/info");
        Assert.Equal("tiny", info.GetProperty("model_id").GetString());
        Assert.Equal("Float32", info.GetProperty("model_dtype").GetString());
        Assert.Equal("qv", info.GetProperty("adapters")[0].GetProperty("name").GetString());
        Assert.Equal(64, info.GetProperty("max_input_tokens").GetInt32());
        Assert.StartsWith("per adapter", info.GetProperty("adapter_batching").GetString());
        Assert.StartsWith("continuous", info.GetProperty("batching").GetString());
        Assert.Equal(JsonValueKind.Array, info.GetProperty("cpu_features").ValueKind);
        await f.Post("/v1/completions", new { prompt = "hello", max_tokens = 3 });
        string metrics = await f.Client.GetStringAsync("/metrics");
        foreach (var name in new[] { "t5sharp_requests_total", "t5sharp_queue_depth", "t5sharp_batch_size_bucket", "t5sharp_tokens_generated_total",
                     "t5sharp_time_to_first_token_seconds_bucket", "t5sharp_inter_token_latency_seconds_bucket", "t5sharp_request_duration_seconds_bucket" })
            Assert.Contains(name, metrics);
        Assert.Matches(new Regex("t5sharp_requests_total\\{route=\"/v1/completions\",status=\"200\"\\} [1-9]"), metrics);
        lock (f.Log) Assert.Contains(f.Log, l => l.Contains("\"path\":\"/v1/completions\"") && l.Contains("\"tokens_in\":") && l.Contains("\"status\":200"));
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Server";
}
