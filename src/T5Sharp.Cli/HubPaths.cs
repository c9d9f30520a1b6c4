using T5Sharp.Hub;

namespace T5Sharp.Cli;

/// <summary>
/// What `--model` and `--data` accept: a local path, or a Hub name (`google/flan-t5-small`, `knkarthick/dialogsum@main`)
/// fetched into huggingface_hub's cache (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE apply). Downloads show progress on stderr.
/// </summary>
public static class HubPaths
{
    static readonly Lazy<HubResolver> Resolver = new(HubResolver.FromEnvironment);

    public static string Model(string nameOrPath) =>
        Directory.Exists(nameOrPath) ? nameOrPath : Resolver.Value.ResolveModel(nameOrPath, Progress());

    public static string Data(string nameOrPath, string split = "train") =>
        File.Exists(nameOrPath) ? nameOrPath : Resolver.Value.ResolveDataFile(nameOrPath, split, Progress());

    /// <summary>A progress line per file, redrawn at most 4 times a second (plain lines when stderr is redirected).</summary>
    static Action<HubDownloadProgress> Progress()
    {
        var last = DateTime.MinValue;
        string? lastFile = null;
        return p =>
        {
            bool done = p.TotalBytes is { } total && p.BytesDone >= total;
            if (!done && p.FileName == lastFile && (DateTime.UtcNow - last).TotalMilliseconds < 250) return;
            last = DateTime.UtcNow;
            lastFile = p.FileName;
            string size = p.TotalBytes is { } t ? $"{p.BytesDone / 1048576.0:F1}/{t / 1048576.0:F1} MiB" : $"{p.BytesDone / 1048576.0:F1} MiB";
            if (Console.IsErrorRedirected) { if (done) Console.Error.WriteLine($"downloaded {p.FileName} ({size})"); }
            else Console.Error.Write($"\rdownloading {p.FileName}: {size}   " + (done ? "\n" : ""));
        };
    }
}
