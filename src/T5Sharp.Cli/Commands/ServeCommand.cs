using System.CommandLine;
using T5Sharp.Pretrained;
using T5Sharp.Server;

namespace T5Sharp.Cli.Commands;

/// <summary>`t5sharp serve`: the OpenAI- and TGI-compatible HTTP server (T5Sharp.Server) over a model and its adapters.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A Hugging Face T5 model folder or Hub name (owner/name[@revision]).", Required = true };
        var adapters = new Option<string[]>("--adapter") { Description = "A LoRA adapter served under a name: NAME=DIR (repeatable); requests pick it with \"model\": NAME.", AllowMultipleArgumentsPerToken = false };
        var host = new Option<string>("--host") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to listen on.", DefaultValueFactory = _ => 8080 };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Prompts decoded together at most.", DefaultValueFactory = _ => 16 };
        var timeout = new Option<int>("--batch-timeout-ms") { Description = "How long a batch waits for companions.", DefaultValueFactory = _ => 5 };
        var maxInput = new Option<int>("--max-input-tokens") { Description = "Longest prompt accepted, in tokens.", DefaultValueFactory = _ => 512 };
        var maxNew = new Option<int>("--max-new-tokens-limit") { Description = "Most tokens a request may ask for.", DefaultValueFactory = _ => 512 };
        var maxQueue = new Option<int>("--max-queue") { Description = "Prompts waiting at most; beyond it requests get 429.", DefaultValueFactory = _ => 256 };
        var apiKey = new Option<string?>("--api-key") { Description = "Require Authorization: Bearer KEY (default: $T5SHARP_API_KEY; none: no authentication)." };
        var chatTemplate = new Option<string?>("--chat-template") { Description = "Chat prompt template: {text} is the \"Name: text\" lines of the messages, newest last; \\n is a newline." };
        var dtype = DTypeOption.Create();
        var quantize = QuantizeOption.Create();
        var command = new Command("serve", "Serve a model over HTTP: OpenAI (/v1/completions, /v1/chat/completions) and TGI (/generate) APIs, with batching and streaming.")
            { model, adapters, host, port, maxBatch, timeout, maxInput, maxNew, maxQueue, apiKey, chatTemplate, dtype, quantize };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(model)!;
            string dir = Downloads.Paths.Model(name);
            var named = (parse.GetValue(adapters) ?? []).Select(a =>
            {
                int eq = a.IndexOf('=');
                if (eq <= 0 || eq == a.Length - 1) throw new ArgumentException($"--adapter must be NAME=DIR, got '{a}'");
                return (a[..eq], a[(eq + 1)..]);
            }).ToList();
            var load = QuantizeOption.Apply(parse, quantize, DTypeOption.LoadOptions(parse, dtype), named.Count > 0);
            // requests name the base model by its Hub name, or by its folder's name when served from a folder
            string served = Directory.Exists(name) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(name))) : name;
            using var models = ModelRegistry.Load(served, () => PretrainedT5.Load(dir, load), named);
            var options = new ServerOptions
            {
                Host = parse.GetValue(host)!, Port = parse.GetValue(port), MaxBatchSize = parse.GetValue(maxBatch),
                BatchTimeoutMs = parse.GetValue(timeout), MaxInputTokens = parse.GetValue(maxInput), MaxNewTokensLimit = parse.GetValue(maxNew),
                MaxQueue = parse.GetValue(maxQueue), ApiKey = parse.GetValue(apiKey) ?? NonEmpty(Environment.GetEnvironmentVariable("T5SHARP_API_KEY")),
                ChatTemplate = parse.GetValue(chatTemplate), Log = Console.WriteLine,
            };
            var server = new T5Server(models, options);
            server.StartAsync().GetAwaiter().GetResult();
            Console.Error.WriteLine($"t5sharp serve: {served} ({models.All.Count - 1} adapters) on http://{options.Host}:{server.Port}");
            server.WaitForShutdownAsync().GetAwaiter().GetResult(); // until SIGTERM / Ctrl+C: stops accepting, finishes requests in flight
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return 0;
        });
        return command;
    }

    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
