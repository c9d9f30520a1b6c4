using System.Net.Http.Json;
using System.Text.Json;
using T5Sharp.Generation;
using T5Sharp.Peft;
using T5Sharp.Pretrained;
using T5Sharp.Server;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Server;

/// <summary>
/// One server on 127.0.0.1 (port 0) over the tiny real-tokenizer model and the lora-qv adapter (same projection shapes),
/// plus reference copies of both for the library's own generation (the server's models belong to its scheduler thread).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public static readonly string ModelDir = Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");
    public static readonly string AdapterDir = Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv");
    public ModelRegistry Models { get; private set; } = null!;
    public T5Server Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public PretrainedT5 Reference { get; } = PretrainedT5.Load(ModelDir);
    public PretrainedT5 ReferenceAdapter { get; }
    public List<string> Log { get; } = [];

    public ServerFixture()
    {
        ReferenceAdapter = PretrainedT5.Load(ModelDir);
        LoraAdapter.Load(ReferenceAdapter.Model, AdapterDir);
    }

    public async Task InitializeAsync()
    {
        Models = ModelRegistry.Load("tiny", () => PretrainedT5.Load(ModelDir), [("qv", AdapterDir)]);
        Server = await Start(new ServerOptions { Port = 0, MaxBatchSize = 16, BatchTimeoutMs = 30, MaxInputTokens = 64, MaxNewTokensLimit = 4096, Log = Logged });
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Server.Port}") };
    }

    void Logged(string line)
    {
        lock (Log) Log.Add(line);
    }

    public async Task<T5Server> Start(ServerOptions options)
    {
        var server = new T5Server(Models, options);
        await server.StartAsync();
        return server;
    }

    /// <summary>What the library generates for the prompt alone with the same settings (as `t5sharp generate` does).</summary>
    public List<string> Expected(string prompt, GenerationSettings settings, bool adapter = false)
    {
        var p = adapter ? ReferenceAdapter : Reference;
        lock (p) return TextGenerator.Generate(p, [prompt], settings.Resolve(p).Config, batchSize: 1);
    }

    public async Task<(int Status, JsonElement Body)> Post(string path, object body, HttpClient? client = null)
    {
        using var response = await (client ?? Client).PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Models.Dispose();
        Reference.Dispose();
        ReferenceAdapter.Dispose();
    }
}
