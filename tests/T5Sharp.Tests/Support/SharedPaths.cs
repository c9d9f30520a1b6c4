namespace T5Sharp.Tests.Support;

/// <summary>Locates ../shared (fixtures, data, the real tokenizer) beside the project root.</summary>
public static class SharedPaths
{
    public static string ProjectRoot { get; } = FindRoot();
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(ProjectRoot, "..", "shared"));
    public static string Fixtures => Path.Combine(Shared, "fixtures");
    public static string Hf => Path.Combine(Fixtures, "hf");
    public static string Hf2 => Path.Combine(Fixtures, "hf2");
    public static string Data => Path.Combine(Shared, "data");
    public static string RealTokenizer => Path.Combine(Shared, "models", "t5-tokenizer");


    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "T5Sharp.slnx"))) return dir.FullName;
        throw new InvalidOperationException("T5Sharp.slnx not found above " + AppContext.BaseDirectory);
    }
}
