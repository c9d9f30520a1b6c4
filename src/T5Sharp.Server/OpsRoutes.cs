using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T5Sharp.Runtime;

namespace T5Sharp.Server;

/// <summary>/health (liveness, answered off the scheduler thread), /ready, /info.</summary>
public static class OpsRoutes
{
    public static string Version => typeof(OpsRoutes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The web playground: one self-contained page (no CDN) that calls the public API.</summary>
    static readonly Lazy<string> Playground = new(() =>
    {
        using var stream = typeof(OpsRoutes).Assembly.GetManifestResourceStream("T5Sharp.Server.Playground.index.html")!;
        return new StreamReader(stream).ReadToEnd();
    });

    /// <summary>How prompts share model calls (/info says it, so a client can see what to expect).</summary>
    public const string Batching = "continuous for greedy and sampling: a prompt joins its model's running batch at the next decoder step " +
        "(its own encoder output and cache rows) and leaves the step it finishes or its client goes away, one model call per step for " +
        "up to max_batch_size prompts; beam search runs between two steps, to the end, the beam prompts that arrived together with " +
        "the same settings searched as one batch";

    /// <summary>
    /// Why per adapter: a mixed batch would need per-row LoRA deltas in every adapted projection (route each row to its
    /// adapter's A and B, or mask the others' rows, in every layer at every step), new code in Peft's forward path,
    /// where a copy per adapter runs each row exactly as `generate --adapter` does with no new code; the price is one
    /// copy of the base weights per adapter, and prompts for different adapters do not share model calls.
    /// </summary>
    public const string AdapterBatching = "per adapter: each adapter is its own copy of the base with its LoRA attached, so prompts for " +
        "different adapters (or the base) decode in separate batches, each exactly as generate --adapter computes; memory: one base copy per adapter";

    public static void Map(IEndpointRouteBuilder app, GenerationService service, Scheduler scheduler, Func<bool> ready)
    {
        app.MapGet("/", () => Results.Text(Playground.Value, "text/html; charset=utf-8"));
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        app.MapGet("/ready", () => ready()
            ? Results.Json(new { status = "ready" })
            : Results.Json(new { status = "starting" }, statusCode: 503));
        app.MapGet("/info", () =>
        {
            var b = service.Models.Base;
            var o = service.Options;
            return Results.Json(new
            {
                model_id = b.Name,
                model_dir = b.Pretrained.Directory,
                model_dtype = b.Pretrained.ComputeType.ToString(),
                adapters = service.Models.All.Where(m => m.IsAdapter).Select(m => new { name = m.Name, dir = m.AdapterDir }),
                cpu_features = CpuFeatures.Current.Names,
                max_batch_size = o.MaxBatchSize,
                batching = Batching,
                adapter_batching = AdapterBatching,
                batch_timeout_ms = o.BatchTimeoutMs,
                max_input_tokens = o.MaxInputTokens,
                max_new_tokens_limit = o.MaxNewTokensLimit,
                max_queue = o.MaxQueue,
                max_request_body_bytes = o.MaxRequestBodyBytes,
                queue_depth = scheduler.Pending,
                active_requests = scheduler.Active,
                version = Version,
            });
        });
    }
}
