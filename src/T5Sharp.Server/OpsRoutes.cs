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
