using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T5Sharp.Data;
using T5Sharp.Generation;

namespace T5Sharp.Server;

/// <summary>OpenAI's API: /v1/completions, /v1/chat/completions (both streaming as OpenAI does) and /v1/models.</summary>
public static class OpenAiRoutes
{
    public static void Map(IEndpointRouteBuilder app, GenerationService service)
    {
        app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = service.Models.All.Select(m => new { id = m.Name, @object = "model", created = 0, owned_by = "t5sharp", parent = m.IsAdapter ? service.Models.Base.Name : null }),
        }));
        app.MapPost("/v1/completions", async context =>
        {
            var request = OpenAiRequest.Parse(await GenerationService.ReadBody(context), OpenAiRequest.CompletionFields);
            var prompts = request.Fields.Strings("prompt") ?? throw ApiException.BadRequest("'prompt' is required", "prompt");
            if (prompts.Count == 0) throw ApiException.BadRequest("'prompt' must not be an empty list", "prompt");
            await Run(context, service, request, prompts, chat: false);
        });
        app.MapPost("/v1/chat/completions", async context =>
        {
            var request = OpenAiRequest.Parse(await GenerationService.ReadBody(context), OpenAiRequest.ChatFields);
            var model = service.Model(request.Model);
            string prompt = ChatPrompt.Build(request.Fields, model, service.Options);
            await Run(context, service, request, [prompt], chat: true);
        });
    }

    static async Task Run(HttpContext context, GenerationService service, OpenAiRequest request, List<string> prompts, bool chat)
    {
        var model = service.Model(request.Model);
        var config = service.Config(model, request.Settings);
        var ids = prompts.Select(p => service.Tokenize(model, p, chat ? "messages" : "prompt")).ToList();
        string id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N")[..24];
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var leave = new CancelOnLeave(cancel);
        int rows = config.NumReturnSequences;
        var streamers = ids.Select(_ => request.Stream && config.NumBeams == 1
            ? new RowStreamer(model.Pretrained.Tokenizer, rows, config.EosTokenId ?? model.Pretrained.Config.EosTokenId) : null).ToList();
        var jobs = new List<GenerationJob>();
        try
        {
            for (int i = 0; i < ids.Count; i++) jobs.Add(service.Submit(model, ids[i], config, streamers[i], cancel.Token));
        }
        catch
        {
            cancel.Cancel(); // the prompts already queued leave at once
            throw;
        }
        for (int i = 0; i < jobs.Count; i++)
        {
            var s = streamers[i];
            if (s is not null) _ = jobs[i].Result.ContinueWith(_ => s.Close(), TaskScheduler.Default);
        }
        int tokensIn = ids.Sum(x => x.Length);
        string kind = chat ? "chat.completion" : "text_completion";
        object Choice(int index, string? text, string? finish, bool first) => chat
            ? new { index, delta = (object)(finish is not null && text is null ? new { } : first ? new { role = "assistant", content = text ?? "" } : new { content = text }), logprobs = (object?)null, finish_reason = finish }
            : new { index, text = text ?? "", logprobs = (object?)null, finish_reason = finish };
        object Chunk(int index, string? text, string? finish, bool first = false) =>
            new { id, @object = chat ? "chat.completion.chunk" : "text_completion", created, model = model.Name, choices = new[] { Choice(index, text, finish, first) } };

        if (!request.Stream)
        {
            var results = await Task.WhenAll(jobs.Select(j => j.Result));
            if (results.Any(r => r.Cancelled)) return; // the client left
            var choices = new List<object>();
            int tokensOut = 0;
            for (int p = 0; p < results.Length; p++)
                for (int r = 0; r < results[p].Sequences.Length; r++)
                {
                    var seq = results[p].Sequences[r];
                    tokensOut += TokenCount.Generated(seq, model.Pretrained.Config);
                    var (text, stopped) = GenerationService.CutAtStop(service.Text(model, seq), request.Stop);
                    string finish = stopped ? "stop" : TokenCount.FinishReason(seq, model.Pretrained.Config);
                    int index = p * rows + r;
                    choices.Add(chat
                        ? new { index, message = new { role = "assistant", content = text }, logprobs = (object?)null, finish_reason = finish }
                        : new { index, text, logprobs = (object?)null, finish_reason = finish });
                }
            GenerationService.Note(context, model.Name, tokensIn, tokensOut);
            await context.Response.WriteAsJsonAsync(new
            {
                id, @object = kind, created, model = model.Name, choices,
                usage = new { prompt_tokens = tokensIn, completion_tokens = tokensOut, total_tokens = tokensIn + tokensOut },
            });
            return;
        }

        Sse.Begin(context.Response);
        var ct = context.RequestAborted;
        int streamedOut = 0;
        if (chat)
            for (int r = 0; r < jobs.Count * rows; r++) await Sse.Send(context.Response, Chunk(r, "", null, first: true), ct);
        for (int p = 0; p < jobs.Count; p++)
        {
            var sent = new string[rows].Select(_ => "").ToArray();
            var stopped = new bool[rows];
            if (streamers[p] is { } streamer)
            {
                await foreach (var piece in streamer.Pieces.ReadAllAsync(ct))
                {
                    if (stopped[piece.Row] || piece.Text.Length == 0) continue;
                    var (upTo, hit) = GenerationService.CutAtStop(sent[piece.Row] + piece.Text, request.Stop);
                    string delta = upTo[sent[piece.Row].Length..];
                    sent[piece.Row] = upTo;
                    if (hit)
                    {
                        stopped[piece.Row] = true;
                        if (stopped.All(x => x)) cancel.Cancel(); // no row wants more tokens
                    }
                    if (delta.Length > 0) await Sse.Send(context.Response, Chunk(p * rows + piece.Row, delta, null), ct);
                }
            }
            var result = await jobs[p].Result;
            if (result.Cancelled && !stopped.All(x => x)) return; // the client left
            for (int r = 0; r < result.Sequences.Length; r++)
            {
                var seq = result.Sequences[r];
                streamedOut += TokenCount.Generated(seq, model.Pretrained.Config);
                if (streamers[p] is null) // beam search: the whole text at once
                {
                    var (text, hit) = GenerationService.CutAtStop(service.Text(model, seq), request.Stop);
                    stopped[r] = hit;
                    await Sse.Send(context.Response, Chunk(p * rows + r, text, null), ct);
                }
                string finish = stopped[r] ? "stop" : TokenCount.FinishReason(seq, model.Pretrained.Config);
                await Sse.Send(context.Response, Chunk(p * rows + r, chat ? null : "", finish), ct);
            }
        }
        GenerationService.Note(context, model.Name, tokensIn, streamedOut);
        if (request.Fields.Get("stream_options") is { ValueKind: JsonValueKind.Object } so && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True)
            await Sse.Send(context.Response, new // OpenAI's usage chunk: no choices, the request's usage
            {
                id, @object = chat ? "chat.completion.chunk" : "text_completion", created, model = model.Name, choices = Array.Empty<object>(),
                usage = new { prompt_tokens = tokensIn, completion_tokens = streamedOut, total_tokens = tokensIn + streamedOut },
            }, ct);
        await Sse.SendRaw(context.Response, "[DONE]", ct);
    }
}
