using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using T5Sharp.Generation;

namespace T5Sharp.Tests.Server;

/// <summary>Concurrent requests share batches yet answer as they would alone; a client that leaves frees its slot.</summary>
[Collection(ServerCollection.Name)]
public class ServerBatchingTests(ServerFixture f)
{
    static double Metric(string metrics, string line) =>
        double.Parse(Regex.Match(metrics, "^" + Regex.Escape(line) + " (\\S+)$", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ThirtyTwoConcurrentMixedRequestsEqualTheirSoloResultsAndShareBatches()
    {
        string before = await f.Client.GetStringAsync("/metrics");
        var cases = Enumerable.Range(0, 32).Select(i =>
        {
            string prompt = "question: " + string.Join(" ", Enumerable.Range(0, 1 + i % 7 * 3).Select(w => $"word{(w * 7 + i) % 13}")) + " ?";
            int max = 4 + i % 5 * 3;
            return (i % 4) switch
            {
                0 => (prompt, new GenerationSettings { MaxNewTokens = max }, (object)new { prompt, max_tokens = max }),
                1 => (prompt, new GenerationSettings { MaxNewTokens = max, DoSample = true, Temperature = 0.9, Seed = i }, new { prompt, max_tokens = max, temperature = 0.9, seed = i }),
                2 => (prompt, new GenerationSettings { MaxNewTokens = max, NumBeams = 2 }, new { prompt, max_tokens = max, num_beams = 2 }),
                _ => (prompt, new GenerationSettings { MaxNewTokens = max, RepetitionPenalty = 1.5, MinNewTokens = 3 }, new { prompt, max_tokens = max, repetition_penalty = 1.5, min_tokens = 3 }),
            };
        }).ToList();
        var answers = await Task.WhenAll(cases.Select(c => f.Post("/v1/completions", c.Item3)));
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.Equal(200, answers[i].Status);
            Assert.Equal(f.Expected(cases[i].prompt, cases[i].Item2)[0], answers[i].Body.GetProperty("choices")[0].GetProperty("text").GetString());
        }
        string after = await f.Client.GetStringAsync("/metrics");
        double batches = Metric(after, "t5sharp_batch_size_count") - Metric(before, "t5sharp_batch_size_count");
        double single = Metric(after, "t5sharp_batch_size_bucket{le=\"1\"}") - Metric(before, "t5sharp_batch_size_bucket{le=\"1\"}");
        Assert.True(batches - single >= 1, $"no batch of more than one prompt formed ({batches} batches, {single} of one)");
    }

    /// <summary>Beam prompts with the same settings are searched as one batch, and each still gets its solo beams.</summary>
    [Fact]
    public async Task ConcurrentBeamPromptsShareABatchAndEqualTheirSoloBeams()
    {
        string before = await f.Client.GetStringAsync("/metrics");
        var prompts = Enumerable.Range(0, 8).Select(i => "summarize: " + string.Join(" ", Enumerable.Range(0, 2 + i * 3).Select(w => $"word{(w * 5 + i) % 11}"))).ToList();
        var settings = new GenerationSettings { MaxNewTokens = 10, NumBeams = 3, NumReturnSequences = 2, LengthPenalty = 0.5 };
        var answers = await Task.WhenAll(prompts.Select(p => f.Post("/v1/completions", new { prompt = p, max_tokens = 10, num_beams = 3, n = 2, length_penalty = 0.5 })));
        for (int i = 0; i < prompts.Count; i++)
        {
            Assert.Equal(200, answers[i].Status);
            var texts = answers[i].Body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()).ToList();
            Assert.Equal(f.Expected(prompts[i], settings), texts);
        }
        string after = await f.Client.GetStringAsync("/metrics");
        double batches = Metric(after, "t5sharp_batch_size_count") - Metric(before, "t5sharp_batch_size_count");
        double prompted = Metric(after, "t5sharp_batch_size_sum") - Metric(before, "t5sharp_batch_size_sum");
        Assert.Equal(prompts.Count, prompted); // one observation per beam batch, of its prompts
        Assert.True(batches < prompts.Count, $"{prompts.Count} beam prompts ran in {batches} batches: none shared one");
    }

    [Fact]
    public async Task ACancelledStreamLeavesItsBatchAndFreesItsSlot()
    {
        Assert.Equal(200, (await f.Post("/v1/completions", new { prompt = "warm up", max_tokens = 3 })).Status);
        long tensorsBefore = await f.Server.Scheduler.LiveTensorsAsync();
        string before = await f.Client.GetStringAsync("/metrics");
        using var cancel = new CancellationTokenSource();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { prompt = "tell a long story", max_tokens = 4000, min_tokens = 4000, stream = true }),
        };
        using (var response = await f.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token))
        {
            var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            var buffer = new byte[64];
            Assert.True(await stream.ReadAsync(buffer, cancel.Token) > 0); // generation is under way
            cancel.Cancel();
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((f.Server.Scheduler.Active > 0 || f.Server.Scheduler.Pending > 0) && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20);
        Assert.Equal(0, f.Server.Scheduler.Active);
        Assert.Equal(0, f.Server.Scheduler.Pending);
        string after = await f.Client.GetStringAsync("/metrics");
        Assert.Equal(0, Metric(after, "t5sharp_queue_depth"));
        Assert.Equal(0, Metric(after, "t5sharp_active_requests"));
        double made = Metric(after, "t5sharp_tokens_generated_total") - Metric(before, "t5sharp_tokens_generated_total");
        Assert.True(made < 4000, $"the cancelled request ran to its end ({made} tokens)");
        Assert.Equal(tensorsBefore, await f.Server.Scheduler.LiveTensorsAsync()); // its encoder output and cache rows are freed
        var (status, _) = await f.Post("/v1/completions", new { prompt = "hello", max_tokens = 3 });
        Assert.Equal(200, status);
    }
}
