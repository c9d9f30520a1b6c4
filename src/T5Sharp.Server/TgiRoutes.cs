using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T5Sharp.Generation;

namespace T5Sharp.Server;

/// <summary>
/// Hugging Face TGI's API: POST /generate and /generate_stream (token events, the last one carrying generated_text and
/// details). parameters.adapter_id picks an adapter, as in TGI's multi-LoRA serving.
/// </summary>
public static class TgiRoutes
{
    static readonly HashSet<string> Top = ["inputs", "parameters", "stream"];
    static readonly HashSet<string> Parameters =
    [
        "max_new_tokens", "do_sample", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty", "seed", "num_beams",
        "details", "stop", "adapter_id", "no_repeat_ngram_size", "length_penalty", "return_full_text", "decoder_input_details",
        "truncate", "watermark", "best_of", "top_n_tokens",
    ];

    public static void Map(IEndpointRouteBuilder app, GenerationService service)
    {
        app.MapPost("/generate", context => Run(context, service, stream: false));
        app.MapPost("/generate_stream", context => Run(context, service, stream: true));
    }

    static async Task Run(HttpContext context, GenerationService service, bool stream)
    {
        var body = JsonFields.Of(await GenerationService.ReadBody(context), "the request");
        body.OnlyKnown(Top);
        string inputs = body.String("inputs") ?? throw ApiException.BadRequest("'inputs' is required", "inputs");
        var p = body.Get("parameters") is { } pe ? new JsonFields(pe.ValueKind == JsonValueKind.Object ? pe : throw ApiException.BadRequest("'parameters' must be an object"), "parameters.") : new JsonFields(JsonDocument.Parse("{}").RootElement);
        p.OnlyKnown(Parameters);
        if (p.Bool("return_full_text") == true) throw ApiException.BadRequest("return_full_text is not supported (an encoder-decoder's output does not continue its input)");
        if (p.Int("best_of") is > 1) throw ApiException.BadRequest("best_of is not supported; use num_beams");
        var model = service.Model(p.String("adapter_id"));
        var settings = new GenerationSettings
        {
            MaxNewTokens = p.Int("max_new_tokens"),
            DoSample = p.Bool("do_sample") ?? false,
            Temperature = p.Double("temperature"),
            TopK = p.Int("top_k"),
            TopP = p.Double("top_p"),
            TypicalP = p.Double("typical_p"),
            RepetitionPenalty = p.Double("repetition_penalty"),
            Seed = p.Long("seed"),
            NumBeams = p.Int("num_beams"),
            NoRepeatNgramSize = p.Int("no_repeat_ngram_size"),
            LengthPenalty = p.Double("length_penalty"),
        };
        var config = service.Config(model, settings);
        var stop = p.Strings("stop");
        var ids = service.Tokenize(model, inputs, "inputs");
        bool details = p.Bool("details") ?? false;
        long eos = config.EosTokenId ?? model.Pretrained.Config.EosTokenId;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var leave = new CancelOnLeave(cancel);
        var streamer = stream && config.NumBeams == 1 ? new RowStreamer(model.Pretrained.Tokenizer, 1, eos) : null;
        var job = service.Submit(model, ids, config, streamer, cancel.Token);
        if (streamer is not null) _ = job.Result.ContinueWith(_ => streamer.Close(), TaskScheduler.Default);
        object Details(long[] seq, bool stopped) => new
        {
            finish_reason = stopped ? "stop_sequence" : TokenCount.FinishReason(seq, model.Pretrained.Config) == "stop" ? "eos_token" : "length",
            generated_tokens = TokenCount.Generated(seq, model.Pretrained.Config),
            seed = config.DoSample ? config.Seed : null,
        };

        if (!stream)
        {
            var result = await job.Result;
            if (result.Cancelled) return;
            var seq = result.Sequences[0];
            var (text, stopped) = GenerationService.CutAtStop(service.Text(model, seq), stop);
            GenerationService.Note(context, model.Name, ids.Length, TokenCount.Generated(seq, model.Pretrained.Config));
            await context.Response.WriteAsJsonAsync(details ? new { generated_text = text, details = Details(seq, stopped) } : (object)new { generated_text = text });
            return;
        }

        Sse.Begin(context.Response);
        var ct = context.RequestAborted;
        // TGI's last event is a token event that also carries generated_text and details, so each event is held until
        // the next one shows it was not the last
        (long Id, string Text)? held = null;
        string sent = "";
        bool hit = false;
        int index = 0;
        object Event(long id, string text, string? full, object? det) => new
        {
            index = index++, token = new { id, text, logprob = (object?)null, special = id == eos }, generated_text = full, details = det,
        };
        if (streamer is not null)
        {
            await foreach (var piece in streamer.Pieces.ReadAllAsync(ct))
            {
                if (hit) continue;
                var (upTo, stopNow) = GenerationService.CutAtStop(sent + piece.Text, stop);
                string delta = upTo[sent.Length..];
                sent = upTo;
                if (piece.TokenId is null)
                {
                    if (held is { } h) held = (h.Id, h.Text + delta); // the end's text belongs to the last token
                }
                else
                {
                    if (held is { } h) await Sse.Send(context.Response, Event(h.Id, h.Text, null, null), ct);
                    held = (piece.TokenId.Value, delta);
                }
                if (stopNow)
                {
                    hit = true;
                    cancel.Cancel();
                }
            }
        }
        var final = await job.Result;
        if (final.Cancelled && !hit) return;
        var sequence = final.Sequences[0];
        if (streamer is null)
        {
            (sent, hit) = GenerationService.CutAtStop(service.Text(model, sequence), stop);
            held = (sequence[^1], sent);
        }
        GenerationService.Note(context, model.Name, ids.Length, TokenCount.Generated(sequence, model.Pretrained.Config));
        if (held is { } last)
            await Sse.Send(context.Response, Event(last.Id, last.Text, sent, details ? Details(sequence, hit) : null), ct);
    }
}
