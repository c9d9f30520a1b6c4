using System.Text.Json;
using Microsoft.AspNetCore.Http;
using T5Sharp.Generation;

namespace T5Sharp.Server;

/// <summary>What every generation route shares: picking the model, the settings (model → request), the prompt limit, the queue.</summary>
public sealed class GenerationService(ModelRegistry models, Scheduler scheduler, ServerOptions options)
{
    public ModelRegistry Models => models;
    public ServerOptions Options => options;

    public ServedModel Model(string? name) => models.Find(name) ?? throw new ApiException(404,
        $"model '{name}' does not exist; served: {string.Join(", ", models.All.Select(m => m.Name))}", "not_found_error", "model", "model_not_found");

    /// <summary>The model's own settings with the request's over them, validated and within --max-new-tokens-limit.</summary>
    public GenerationConfig Config(ServedModel model, GenerationSettings settings)
    {
        var config = settings.ApplyTo(model.Defaults);
        try
        {
            config.Validate();
        }
        catch (GenerationConfigException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
        int maxNew = config.ResolvedMaxLength - 1;
        if (maxNew < 1) throw ApiException.BadRequest($"max_tokens must be at least 1, got {maxNew}", "max_tokens");
        if (maxNew > options.MaxNewTokensLimit)
            throw ApiException.BadRequest($"max_tokens is {maxNew}, over this server's limit of {options.MaxNewTokensLimit} (--max-new-tokens-limit)", "max_tokens");
        return config;
    }

    /// <summary>The prompt's token ids (EOS included, as `t5sharp generate` encodes it), within --max-input-tokens.</summary>
    public long[] Tokenize(ServedModel model, string prompt, string param = "prompt")
    {
        var ids = model.Pretrained.Tokenizer.Encode(prompt);
        if (ids.Length > options.MaxInputTokens)
            throw ApiException.BadRequest($"the prompt has {ids.Length} tokens, over this server's limit of {options.MaxInputTokens} input tokens (--max-input-tokens)", param);
        return ids.Select(i => (long)i).ToArray();
    }

    /// <summary>Queues a prompt; 429 with Retry-After when the queue is full.</summary>
    public GenerationJob Submit(ServedModel model, long[] ids, GenerationConfig config, IGenerationStreamer? streamer, CancellationToken cancellation)
    {
        var job = new GenerationJob(model, ids, config, streamer, cancellation);
        if (!scheduler.TryEnqueue(job))
            throw new ApiException(429, $"the queue is full ({options.MaxQueue} prompts waiting); retry later", "rate_limit_error", code: "queue_full") { RetryAfter = 1 };
        return job;
    }

    public string Text(ServedModel model, long[] sequence) => model.Pretrained.Tokenizer.Decode(sequence, skipSpecialTokens: true);

    /// <summary>The text up to the first stop string, and whether one was found.</summary>
    public static (string Text, bool Stopped) CutAtStop(string text, IReadOnlyList<string>? stop)
    {
        if (stop is null) return (text, false);
        int at = stop.Where(s => s.Length > 0).Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        return at >= 0 ? (text[..at], true) : (text, false);
    }

    /// <summary>The request body as JSON: 400 when malformed, 413 over the body size limit.</summary>
    public static async Task<JsonElement> ReadBody(HttpContext context)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(413, $"the body is over this server's limit of {options_limit(context)} bytes", "invalid_request_error", code: "body_too_large");
        }
    }

    static long? options_limit(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;

    /// <summary>Records the request's model and token counts for its log line.</summary>
    public static void Note(HttpContext context, string model, int tokensIn, int tokensOut)
    {
        context.Items["model"] = model;
        context.Items["tokens_in"] = tokensIn;
        context.Items["tokens_out"] = tokensOut;
    }
}
