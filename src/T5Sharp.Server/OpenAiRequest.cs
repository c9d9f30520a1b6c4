using System.Text.Json;
using T5Sharp.Generation;

namespace T5Sharp.Server;

/// <summary>
/// The fields of OpenAI's completion and chat requests, with T5's extras (num_beams, length_penalty, ...). Decoding is
/// greedy unless the request samples: temperature &gt; 0, top_p &lt; 1, top_k or do_sample true (T5 models are mostly
/// served for deterministic tasks, and greedy is what `t5sharp generate` does by default).
/// </summary>
public sealed record OpenAiRequest(string? Model, bool Stream, List<string>? Stop, int N, GenerationSettings Settings, JsonFields Fields)
{
    static readonly HashSet<string> Common =
    [
        "model", "max_tokens", "temperature", "top_p", "n", "seed", "stop", "stream", "stream_options", "user",
        "num_beams", "length_penalty", "no_repeat_ngram_size", "repetition_penalty", "min_tokens", "top_k", "do_sample",
        "typical_p", "presence_penalty", "frequency_penalty", "logit_bias",
    ];

    public static readonly HashSet<string> CompletionFields = [.. Common, "prompt", "echo", "logprobs", "best_of", "suffix"];
    public static readonly HashSet<string> ChatFields = [.. Common, "messages", "max_completion_tokens", "logprobs", "top_logprobs", "response_format"];

    public static OpenAiRequest Parse(JsonElement body, IReadOnlySet<string> known)
    {
        var f = JsonFields.Of(body, "the request");
        f.OnlyKnown(known);
        // accepted for compatibility only where they ask for nothing this server would do differently
        if (f.Bool("echo") == true) throw ApiException.BadRequest("echo is not supported", "echo");
        if (f.Get("logprobs") is { } lp && lp.ValueKind != JsonValueKind.False) throw ApiException.BadRequest("logprobs is not supported", "logprobs");
        if (f.Int("best_of") is > 1) throw ApiException.BadRequest("best_of is not supported; use num_beams", "best_of");
        if (f.String("suffix") is { Length: > 0 }) throw ApiException.BadRequest("suffix is not supported", "suffix");
        foreach (var penalty in new[] { "presence_penalty", "frequency_penalty" })
            if (f.Double(penalty) is { } p && p != 0) throw ApiException.BadRequest($"{penalty} is not supported; use repetition_penalty", penalty);
        if (f.Get("logit_bias") is { } bias && (bias.ValueKind != JsonValueKind.Object || bias.EnumerateObject().Any()))
            throw ApiException.BadRequest("logit_bias is not supported", "logit_bias");

        double? temperature = f.Double("temperature");
        double? topP = f.Double("top_p");
        int? topK = f.Int("top_k");
        bool sample = f.Bool("do_sample") ?? (temperature > 0 || topP < 1 || topK is not null);
        int n = f.Int("n") ?? 1;
        if (n < 1) throw ApiException.BadRequest($"n must be at least 1, got {n}", "n");
        var settings = new GenerationSettings
        {
            MaxNewTokens = f.Int("max_completion_tokens") ?? f.Int("max_tokens"),
            MinNewTokens = f.Int("min_tokens"),
            NumBeams = f.Int("num_beams"),
            NumReturnSequences = n,
            LengthPenalty = f.Double("length_penalty"),
            NoRepeatNgramSize = f.Int("no_repeat_ngram_size"),
            RepetitionPenalty = f.Double("repetition_penalty"),
            DoSample = sample,
            Temperature = sample && temperature > 0 ? temperature : null,
            TopK = topK,
            TopP = topP,
            TypicalP = f.Double("typical_p"),
            Seed = f.Long("seed"),
        };
        return new OpenAiRequest(f.String("model"), f.Bool("stream") ?? false, f.Strings("stop"), n, settings, f);
    }
}
