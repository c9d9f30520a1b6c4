using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace T5Sharp.Server;

/// <summary>
/// The HTTP server: Kestrel on the given host and port, the OpenAI, TGI and operations routes, the scheduler that owns
/// the models. Every refusal is a JSON error body (OpenAI's, or TGI's on its routes), never a stack trace.
/// </summary>
public sealed class T5Server : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ModelRegistry _models;
    public Scheduler Scheduler { get; }
    public ServerMetrics Metrics { get; } = new();
    public ServerOptions Options { get; }

    public T5Server(ModelRegistry models, ServerOptions options)
    {
        _models = models;
        Options = options;
        Scheduler = new Scheduler(options, Metrics);
        var service = new GenerationService(models, Scheduler, options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // one line per request, written below
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}");
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownGrace);
        _app = builder.Build();
        _app.Use(Handle);
        OpsRoutes.Map(_app, service, Scheduler, () => true);
        OpenAiRoutes.Map(_app, service);
        TgiRoutes.Map(_app, service);
        _app.MapMetrics("/metrics", Metrics.Registry);
        _app.MapFallback(context => throw new ApiException(404, $"no route {context.Request.Method} {context.Request.Path}", "not_found_error"));
    }

    /// <summary>The port Kestrel listens on (the one it picked when asked for port 0).</summary>
    public int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public Task StartAsync(CancellationToken cancellation = default) => _app.StartAsync(cancellation);

    /// <summary>Serves until the host stops (SIGTERM, Ctrl+C): then stops accepting, lets requests in flight finish within the grace period.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    static readonly HashSet<string> Open = ["/health", "/ready", "/", "/favicon.ico"];

    async Task Handle(HttpContext context, RequestDelegate next)
    {
        var clock = Stopwatch.StartNew();
        string id = Guid.NewGuid().ToString("N")[..12];
        string path = context.Request.Path.Value ?? "/";
        bool tgi = path.StartsWith("/generate", StringComparison.Ordinal);
        try
        {
            if (Options.ApiKey is { } key && !Open.Contains(path) && context.Request.Headers.Authorization.ToString() != $"Bearer {key}")
                throw new ApiException(401, "a valid API key is required: Authorization: Bearer <key>", "authentication_error", code: "invalid_api_key");
            await next(context);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            context.Items["status_note"] = "client closed";
        }
        catch (Exception e)
        {
            var api = e as ApiException ?? new ApiException(500, "internal error: " + e.GetType().Name, "server_error");
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = api.Status;
                if (api.RetryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
                object body = tgi
                    ? new { error = api.Message, error_type = api.Status switch { 401 => "authentication", 404 => "not_found", 429 => "overloaded", 413 or 400 => "validation", _ => "generation" } }
                    : new { error = new { message = api.Message, type = api.Type, param = api.Param, code = api.Code } };
                await context.Response.WriteAsJsonAsync(body);
            }
            context.Items["status_note"] = api.Message;
        }
        finally
        {
            string route = context.GetEndpoint() is RouteEndpoint r ? r.RoutePattern.RawText ?? path : "other";
            int status = context.Response.StatusCode;
            Metrics.Requests.WithLabels(route, status.ToString()).Inc();
            Metrics.RequestDuration.WithLabels(route).Observe(clock.Elapsed.TotalSeconds);
            Options.Log?.Invoke(JsonSerializer.Serialize(new
            {
                id, method = context.Request.Method, path, model = context.Items["model"] as string, tokens_in = context.Items["tokens_in"] as int?,
                tokens_out = context.Items["tokens_out"] as int?, latency_ms = Math.Round(clock.Elapsed.TotalMilliseconds, 1), status,
                note = context.Items["status_note"] as string,
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Scheduler.Dispose();
    }
}
