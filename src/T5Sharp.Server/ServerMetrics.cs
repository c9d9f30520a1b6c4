using Prometheus;

namespace T5Sharp.Server;

/// <summary>The server's Prometheus metrics, in a registry of its own (several servers may live in one test process).</summary>
public sealed class ServerMetrics
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    public Counter Requests { get; }
    public Gauge QueueDepth { get; }
    public Gauge ActiveRequests { get; }
    public Histogram BatchSize { get; }
    public Counter TokensGenerated { get; }
    public Histogram TimeToFirstToken { get; }
    public Histogram InterTokenLatency { get; }
    public Histogram RequestDuration { get; }

    public ServerMetrics()
    {
        var f = Metrics.WithCustomRegistry(Registry);
        Requests = f.CreateCounter("t5sharp_requests_total", "HTTP requests by route and status.", "route", "status");
        QueueDepth = f.CreateGauge("t5sharp_queue_depth", "Prompts waiting for a batch.");
        ActiveRequests = f.CreateGauge("t5sharp_active_requests", "Prompts being decoded.");
        BatchSize = f.CreateHistogram("t5sharp_batch_size", "Prompts per model call: each decoder step of a model's running cohort (continuous batching), or a beam search's batch (prompts with the same settings, searched together to the end).",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128] });
        TokensGenerated = f.CreateCounter("t5sharp_tokens_generated_total", "Tokens generated.");
        var seconds = Histogram.ExponentialBuckets(0.001, 2, 16);
        TimeToFirstToken = f.CreateHistogram("t5sharp_time_to_first_token_seconds", "From arrival to the first generated token.", new HistogramConfiguration { Buckets = seconds });
        InterTokenLatency = f.CreateHistogram("t5sharp_inter_token_latency_seconds", "Between consecutive tokens of a prompt.", new HistogramConfiguration { Buckets = seconds });
        RequestDuration = f.CreateHistogram("t5sharp_request_duration_seconds", "HTTP request duration by route.", new HistogramConfiguration { Buckets = seconds, LabelNames = ["route"] });
    }
}
