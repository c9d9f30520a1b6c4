using System.Text.Json;

namespace T5Sharp.Hub;

/// <summary>
/// One message per way a push can be refused, naming the repository, the revision (or file) and what to do: no or bad
/// token (401), no write access (403), no such repo or revision (404), a conflicting change (409/412), too large (413).
/// Every message says that nothing was committed when the refusal came before the commit call, the only one that changes a repo.
/// </summary>
internal static class HubWriteErrors
{
    public static async Task<HubException> FromAsync(HttpResponseMessage response, HubOptions options, HubRepoId repo, string action,
        CancellationToken ct)
    {
        int status = (int)response.StatusCode;
        string server = await ServerMessageAsync(response, ct).ConfigureAwait(false);
        string code = HubHttp.Header(response, "X-Error-Code") ?? "";
        string where = $"{HubClient.KindName(repo)} repository '{repo.Id}'";
        string http = $"HTTP {status} for {action}{(server.Length > 0 ? $": {server}" : "")}";
        string message = (status, code) switch
        {
            (401, _) when options.Token == null =>
                $"Pushing to {where} needs a token with write access, and none was found ({http}): set HF_TOKEN, or log in with " +
                "`huggingface-cli login` (T5Sharp reads its token file, $HF_HOME/token).",
            (401, _) => $"The Hub did not accept the token for {where} ({http}): it is invalid or expired; set HF_TOKEN to a valid token with write access.",
            (403, _) => $"The token has no write access to {where} ({http}): use a token with the 'write' role for a namespace you may write to.",
            (404, "RevisionNotFound") => $"Revision '{repo.Revision}' does not exist in {where} ({http}): push to an existing branch, or create it first.",
            (404, _) => $"{Cap(where)} does not exist on {options.Endpoint} ({http}); check the name.",
            (409 or 412, _) => $"The Hub refused the change to {where} at '{repo.Revision}' because it conflicts with another one ({http}): " +
                               "the branch moved while this push ran (another push or commit); nothing was committed, push again.",
            (413, _) => $"The upload to {where} is too large for the Hub ({http}); nothing was committed.",
            _ => $"The Hub answered {status} {response.ReasonPhrase} to {action} for {where} at '{repo.Revision}'" +
                 $"{(server.Length > 0 ? $": {server}" : "")}.",
        };
        return new HubException(message) { StatusCode = status };
    }

    /// <summary>The Hub's own words: the "error" (or "message") field of a JSON body, else X-Error-Message, else the body text.</summary>
    static async Task<string> ServerMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string body;
        try { body = (await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Trim(); }
        catch (Exception e) when (e is HttpRequestException or IOException) { body = ""; }
        if (body.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                foreach (string key in new[] { "error", "message" })
                    if (doc.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
                        return value.GetString()!;
            }
            catch (JsonException) { }
        }
        string? header = HubHttp.Header(response, "X-Error-Message");
        if (header != null) return header;
        return body.Length > 300 ? body[..300] + "…" : body;
    }

    static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
