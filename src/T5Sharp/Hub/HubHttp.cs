using System.Net;
using System.Net.Http.Headers;

namespace T5Sharp.Hub;

/// <summary>
/// The one HttpClient every Hub request goes through, and the mapping of Hub error answers (status + X-Error-Code) to
/// messages a user can act on. Redirects are followed by hand: a HEAD follows only relative ones (a renamed repo) so
/// that an LFS file's 302 to the CDN stays visible; a GET follows all, dropping the token when the host changes.
/// </summary>
internal static class HubHttp
{
    const int MaxRedirects = 10;

    static readonly HttpClient Shared = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // Per-request limits are set with cancellation tokens: metadata gets a short one, a download a per-read one.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<HttpResponseMessage> SendAsync(HubOptions options, HttpMethod method, Uri url, bool followAbsolute,
        long rangeStart, HttpCompletionOption completion, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.UserAgent.ParseAdd("t5sharp/1.0");
            // "identity" keeps Content-Length equal to the file size (huggingface_hub asks for the same reason).
            request.Headers.AcceptEncoding.ParseAdd("identity");
            if (options.Token != null && SameHost(url, options.Endpoint))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            if (rangeStart > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);

            HttpResponseMessage response;
            try
            {
                response = await Shared.SendAsync(request, completion, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsNetworkFailure(e, ct))
            {
                throw new HubException($"Could not reach {url.GetLeftPart(UriPartial.Authority)} ({method} {url}): {e.Message}", e) { Unreachable = true };
            }

            int status = (int)response.StatusCode;
            if (status is < 300 or > 399 || response.Headers.Location is not { } location) return response;
            var target = location.IsAbsoluteUri ? location : new Uri(url, location);
            // Only a Location without a host is "relative" (huggingface_hub's rule): a CDN on the same host still counts as a CDN.
            if (location.IsAbsoluteUri && !followAbsolute) return response;
            response.Dispose();
            if (hop >= MaxRedirects) throw new HubException($"More than {MaxRedirects} redirects starting at {url}.");
            url = target;
        }
    }

    /// <summary>
    /// Sends a request the caller built (an upload: JSON, NDJSON or file bytes) with our user agent and, on the Hub's own
    /// host only, the token: a presigned storage URL on another host must not see it. No redirects are followed.
    /// </summary>
    public static async Task<HttpResponseMessage> SendBuiltAsync(HubOptions options, HttpRequestMessage request, CancellationToken limit,
        CancellationToken ct)
    {
        request.Headers.UserAgent.ParseAdd("t5sharp/1.0");
        if (options.Token != null && SameHost(request.RequestUri!, options.Endpoint))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        try
        {
            // ResponseContentRead: the (small) answer body is read under the same time limit as the request.
            return await Shared.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNetworkFailure(e, ct))
        {
            var url = request.RequestUri!;
            throw new HubException($"Could not reach {url.GetLeftPart(UriPartial.Authority)} ({request.Method} {url}): {e.Message}", e) { Unreachable = true };
        }
    }

    public static bool IsNetworkFailure(Exception e, CancellationToken ct) =>
        e is HttpRequestException || (e is TaskCanceledException or OperationCanceledException && !ct.IsCancellationRequested)
        || e is IOException;

    public static bool SameHost(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Scheme == b.Scheme;

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.FirstOrDefault() : null;

    /// <summary>One clear message for a failed answer; the X-Error-Code header tells a missing repo from a missing file.</summary>
    public static HubException Error(HttpResponseMessage response, HubOptions options, HubRepoId repo, string? file, Uri url)
    {
        int status = (int)response.StatusCode;
        string code = Header(response, "X-Error-Code") ?? "";
        string kind = repo.Type == HubRepoType.Model ? "model" : "dataset";
        string where = $"{kind} repository '{repo.Id}'";
        string http = $"HTTP {status} for {url}";
        string tokenHint = options.Token == null
            ? "no token was sent: set HF_TOKEN to a token that can read it"
            : "the token in HF_TOKEN was sent and was not accepted for it";
        string message = (status, code) switch
        {
            (403, _) or (401, "GatedRepo") when code == "GatedRepo" =>
                $"Access to gated {where} is restricted ({http}): accept its conditions at {options.Endpoint.AbsoluteUri.TrimEnd('/')}/{repo.UrlPrefix} " +
                $"with your account and set HF_TOKEN to that account's token ({(options.Token == null ? "no token was sent" : "the token sent is not allowed yet")}).",
            (401, _) => $"{Cap(where)} was not found, or it is private or gated ({http}); {tokenHint}.",
            (403, _) => $"Access to {where} was refused ({http}); {tokenHint}.",
            (404, "EntryNotFound") => $"File '{file}' does not exist in {where} at revision '{repo.Revision}' ({http}).",
            (404, "RevisionNotFound") => $"Revision '{repo.Revision}' does not exist in {where} ({http}).",
            (404, _) when code == "RepoNotFound" || file == null =>
                $"{Cap(where)} does not exist on {options.Endpoint} ({http}); check the name (datasets need a dataset name, models a model name).",
            (404, _) => $"File '{file}' does not exist in {where} at revision '{repo.Revision}' ({http}).",
            _ => $"The Hub answered {status} {response.ReasonPhrase} for '{file ?? repo.Id}' of {where} at revision '{repo.Revision}' ({url}).",
        };
        return new HubException(message) { StatusCode = status };
    }

    static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
