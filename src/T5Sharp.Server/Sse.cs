using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace T5Sharp.Server;

/// <summary>Server-Sent Events as OpenAI and TGI frame them: <c>data: {json}</c> and a blank line per event.</summary>
public static class Sse
{
    public static void Begin(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public static Task Send(HttpResponse response, object payload, CancellationToken cancellation) =>
        SendRaw(response, JsonSerializer.Serialize(payload), cancellation);

    public static async Task SendRaw(HttpResponse response, string data, CancellationToken cancellation)
    {
        await response.WriteAsync($"data: {data}\n\n", cancellation);
        await response.Body.FlushAsync(cancellation);
    }
}
