namespace T5Sharp.Bench;

/// <summary>The project's ../shared folder (real tokenizer config, data), found from the running binary.</summary>
public static class BenchPaths
{
    public static string Shared { get; } = FindShared();

    /// <summary>flan-t5-small's real config.json: the shape of every "flan-t5-small shape" benchmark.</summary>
    public static string FlanT5SmallConfig => Path.Combine(Shared, "models", "t5-tokenizer", "config.json");

    static string FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "T5Sharp.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        throw new InvalidOperationException("T5Sharp.slnx not found above " + AppContext.BaseDirectory);
    }
}
