using T5Sharp.Hub;

namespace T5Sharp.Cli;

/// <summary>
/// Where `--model` and `--data` lead (the library's <see cref="HubPaths"/>: a local path, or a Hub name fetched into
/// huggingface_hub's cache), with each download's progress shown on stderr.
/// </summary>
public static class Downloads
{
    public static HubPaths Paths { get; } = new(progress: Progress());

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
