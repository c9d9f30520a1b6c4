using System.Diagnostics;
using System.Net.Http.Json;
using T5Sharp.Modeling;
using T5Sharp.Pretrained;
using T5Sharp.Server;

namespace T5Sharp.Bench;

/// <summary>
/// `t5sharp serve` under load on loopback: a bounded load generator (a fixed number of streamed /v1/completions requests
/// per concurrency level, then it stops) against the flan-t5-small shape (random init, real tokenizer), 128-token
/// prompts, exactly 32 new tokens (min_tokens = max_tokens). Each level runs with batching (--max-batch-size 16) and
/// without (--max-batch-size 1) in the same process: requests/s, tokens/s, p50/p99 latency, p50 time to first token.
/// args: [concurrency levels, default 1,4,16,64] [requests per level (at least the
/// concurrency), default max(8, 2 × concurrency)]; `parts`: only
/// <see cref="ServeCostBreakdown"/> (where the time goes, and the speedup batching can give at best on this CPU);
/// `beams [levels] [requests]`: the same with beam search (num_beams 4, not streamed), where batching means beam
/// prompts with the same settings searched together and batch size 1 searches them one by one.
/// </summary>
public static class ServeBenchmark
{
    const int PromptTokens = 128, NewTokens = 32;

    public static void Run(string[] args)
    {
        bool beams = args is ["beams", ..];
        if (beams) args = args[1..];
        int[] levels = args.Length > 0 && args[0] != "parts" ? args[0].Split(',').Select(int.Parse).ToArray() : [1, 4, 16, 64];
        int? fixedCount = args.Length > 1 ? int.Parse(args[1]) : null;
        string dir = Path.Combine(Path.GetTempPath(), "t5sharp-serve-bench");
        var config = T5Config.Load(BenchPaths.FlanT5SmallConfig);
        using (var random = RandomModel.Create(config, seed: 7))
            ModelFolder.Save(dir, config, random.state_dict(), tokenizerSourceDir: Path.GetDirectoryName(BenchPaths.FlanT5SmallConfig));
        using var models = ModelRegistry.Load("flan-t5-small-random", () => PretrainedT5.Load(dir), []);
        string prompt = Prompt(models.Base.Pretrained);
        Console.WriteLine($"flan-t5-small shape (random init), {PromptTokens}-token prompts, {NewTokens} new tokens, " +
                          $"{(beams ? "beam search (4 beams, not streamed)" : "greedy, streamed")}, threads {TorchSharp.torch.get_num_threads()}");
        if (args is ["parts", ..])
        {
            ServeCostBreakdown.Print(models.Base.Pretrained.Model, 16, PromptTokens, NewTokens);
            return;
        }
        Console.WriteLine("batch  conc  requests   req/s  tokens/s  p50 ms  p99 ms  ttft p50 ms");
        foreach (int c in levels)
            foreach (int maxBatch in new[] { 16, 1 })
            {
                int count = fixedCount is { } n ? Math.Max(n, c) : Math.Max(8, 2 * c); // at least c: the level must reach c in flight
                object body = beams
                    ? new { prompt, max_tokens = NewTokens, min_tokens = NewTokens, num_beams = 4 }
                    : new { prompt, max_tokens = NewTokens, min_tokens = NewTokens, stream = true };
                var r = Load(models, maxBatch, c, count, body).GetAwaiter().GetResult();
                Console.WriteLine($"{maxBatch,5} {c,5} {count,9} {count / r.Seconds,7:F2} {count * NewTokens / r.Seconds,9:F1} {Pct(r.Latencies, 50),7:F0} {Pct(r.Latencies, 99),7:F0} {Pct(r.FirstTokens, 50),12:F0}");
            }
    }

    /// <summary>A prompt of exactly <see cref="PromptTokens"/> tokens (EOS included).</summary>
    static string Prompt(PretrainedT5 p)
    {
        var words = Enumerable.Range(0, 400).Select(i => $"word{i % 97}").ToList();
        while (p.Tokenizer.Encode(string.Join(" ", words)).Length > PromptTokens) words.RemoveAt(words.Count - 1);
        string text = string.Join(" ", words);
        int n = p.Tokenizer.Encode(text).Length;
        if (n != PromptTokens) text += string.Concat(Enumerable.Repeat(" a", PromptTokens - n));
        return text;
    }

    static async Task<(double Seconds, List<double> Latencies, List<double> FirstTokens)> Load(ModelRegistry models, int maxBatch, int concurrency, int count, object body)
    {
        await using var server = new T5Server(models, new ServerOptions { Port = 0, MaxBatchSize = maxBatch, MaxQueue = 4096, MaxInputTokens = 512 });
        await server.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromMinutes(10) };
        await One(client, body); // warm-up
        var latencies = new List<double>();
        var firsts = new List<double>();
        int next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var (latency, first) = await One(client, body);
                lock (latencies)
                {
                    latencies.Add(latency);
                    firsts.Add(first);
                }
            }
        }));
        return (clock.Elapsed.TotalSeconds, latencies, firsts);
    }

    static async Task<(double Latency, double FirstToken)> One(HttpClient client, object body)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double first = -1;
        while (await reader.ReadLineAsync() is { } line)
            if (first < 0 && line.StartsWith("data: {")) first = clock.Elapsed.TotalMilliseconds;
        if (first < 0) first = clock.Elapsed.TotalMilliseconds; // not streamed: the whole answer is the first token's arrival
        return (clock.Elapsed.TotalMilliseconds, first);
    }

    static double Pct(List<double> values, int p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }
}
