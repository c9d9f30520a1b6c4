namespace T5Sharp.Hub;

/// <summary>
/// Sends an upload request again after a 5xx answer, a timeout or a dropped connection, waiting longer each time
/// (huggingface_hub's http_backoff: 1 s doubling up to 8 s, 5 retries). The request is rebuilt for every attempt, so a
/// file body is read again from the start of its slice. Other answers (4xx) are returned to the caller at once.
/// </summary>
internal static class HubRetry
{
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(8);

    public static async Task<HttpResponseMessage> SendAsync(HubOptions options, Func<HttpRequestMessage> build, CancellationToken ct,
        Action? beforeRetry = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(options.UploadTimeout);
            HttpResponseMessage? response = null;
            HubException? failure = null;
            using var request = build();
            try
            {
                response = await HubHttp.SendBuiltAsync(options, request, limit.Token, ct).ConfigureAwait(false);
            }
            catch (HubException e) when (e.Unreachable)
            {
                failure = e;
            }
            bool transient = failure != null || (int)response!.StatusCode is 500 or 502 or 503 or 504;
            if (!transient) return response!;
            if (attempt >= options.UploadRetries)
            {
                if (failure != null) throw failure;
                return response!;
            }
            response?.Dispose();
            beforeRetry?.Invoke();
            var delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, options.RetryDelay.Ticks << Math.Min(attempt, 10)));
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }
}
