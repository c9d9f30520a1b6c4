using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using T5Sharp.Server;

namespace T5Sharp.Tests.Server;

/// <summary>Each refusal has its status and error body (OpenAI's, or TGI's on its routes), and the server keeps serving.</summary>
[Collection(ServerCollection.Name)]
public class ServerErrorTests(ServerFixture f)
{
    async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> Raw(string path, string body, HttpClient? client = null)
    {
        var response = await (client ?? f.Client).PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), response);
    }

    static void OpenAiError(JsonElement body, string? param = null, string? containing = null)
    {
        var error = body.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out var p) && error.TryGetProperty("code", out _));
        if (param is not null) Assert.Equal(param, p.GetString());
        if (containing is not null) Assert.Contains(containing, error.GetProperty("message").GetString());
        Assert.DoesNotContain(" at T5Sharp", error.GetProperty("message").GetString());
    }

    async Task StillServes(HttpClient? client = null)
    {
        var (status, body) = await f.Post("/v1/completions", new { prompt = "hello", max_tokens = 2 }, client);
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.String, body.GetProperty("choices")[0].GetProperty("text").ValueKind);
    }

    [Theory]
    [InlineData("{\"prompt\": \"hi\", ", null, "not valid JSON")]
    [InlineData("[1, 2]", null, "JSON object")]
    [InlineData("{\"prompt\": \"hi\", \"max_tokens\": \"ten\"}", "max_tokens", "an integer")]
    [InlineData("{\"prompt\": 5}", "prompt", "string")]
    [InlineData("{\"prompt\": \"hi\", \"max_token\": 5}", "max_token", "unknown field")]
    [InlineData("{\"max_tokens\": 5}", "prompt", "required")]
    [InlineData("{\"prompt\": \"hi\", \"max_tokens\": 5000}", "max_tokens", "4096")]
    [InlineData("{\"prompt\": \"hi\", \"top_p\": 1.5}", null, "top_p")]
    [InlineData("{\"prompt\": \"hi\", \"n\": 2}", null, "num_return_sequences")]
    public async Task BadCompletionRequestsAre400(string body, string? param, string containing)
    {
        var (status, json, _) = await Raw("/v1/completions", body);
        Assert.Equal(400, status);
        OpenAiError(json, param, containing);
        await StillServes();
    }

    [Fact]
    public async Task APromptOverTheLimitNamesTheLimitAndTheCount()
    {
        string prompt = string.Join(" ", Enumerable.Repeat("hello world", 60));
        int count = f.Reference.Tokenizer.Encode(prompt).Length;
        var (status, body) = await f.Post("/v1/completions", new { prompt, max_tokens = 3 });
        Assert.Equal(400, status);
        OpenAiError(body, "prompt", $"{count} tokens");
        Assert.Contains("64", body.GetProperty("error").GetProperty("message").GetString());
        var (tgiStatus, tgi) = await f.Post("/generate", new { inputs = prompt });
        Assert.Equal(400, tgiStatus);
        Assert.Contains($"{count} tokens", tgi.GetProperty("error").GetString());
        Assert.Equal("validation", tgi.GetProperty("error_type").GetString());
        await StillServes();
    }

    [Fact]
    public async Task UnknownModelsAndRoutesAre404()
    {
        var (status, body) = await f.Post("/v1/completions", new { model = "gpt-4", prompt = "hi" });
        Assert.Equal(404, status);
        OpenAiError(body, "model", "gpt-4");
        (status, body) = await f.Post("/generate", new { inputs = "hi", parameters = new { adapter_id = "/etc/passwd" } });
        Assert.Equal(404, status);
        Assert.Equal("not_found", body.GetProperty("error_type").GetString());
        (status, body) = await f.Post("/v1/nothing", new { });
        Assert.Equal(404, status);
        await StillServes();
    }

    [Fact]
    public async Task TgiErrorsUseTgiShape()
    {
        var (status, body, _) = await Raw("/generate", "{\"inputs\": \"hi\", \"parameters\": {\"max_new_tokens\": -1}}");
        Assert.Equal(400, status);
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
        Assert.Equal("validation", body.GetProperty("error_type").GetString());
        (status, body, _) = await Raw("/generate_stream", "{\"inputs\": 3}");
        Assert.Equal(400, status);
        Assert.Contains("inputs", body.GetProperty("error").GetString());
        await StillServes();
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        string big = "{\"prompt\": \"" + new string('a', 2 << 20) + "\"}";
        var (status, body, _) = await Raw("/v1/completions", big);
        Assert.Equal(413, status);
        OpenAiError(body, containing: "limit");
        await StillServes();
    }

    [Fact]
    public async Task AWrongOrMissingKeyIs401()
    {
        await using var server = await f.Start(new ServerOptions { Port = 0, ApiKey = "sekret" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var (status, body) = await f.Post("/v1/completions", new { prompt = "hi", max_tokens = 2 }, client);
        Assert.Equal(401, status);
        OpenAiError(body);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "wrong");
        (status, _) = await f.Post("/v1/completions", new { prompt = "hi", max_tokens = 2 }, client);
        Assert.Equal(401, status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode); // liveness needs no key
        client.DefaultRequestHeaders.Authorization = new("Bearer", "sekret");
        await StillServes(client);
    }

    [Fact]
    public async Task AFullQueueIs429WithRetryAfter()
    {
        await using var server = await f.Start(new ServerOptions { Port = 0, MaxQueue = 0 });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var response = await client.PostAsJsonAsync("/v1/completions", new { prompt = "hi", max_tokens = 2 });
        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        OpenAiError(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, containing: "queue");
        await StillServes();
    }
}
