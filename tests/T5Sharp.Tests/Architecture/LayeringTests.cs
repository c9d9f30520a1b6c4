using System.Text.RegularExpressions;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Architecture;

/// <summary>
/// The library's folders are floors (the README's layout): each may use only the folders below it. Read from the sources:
/// every `using T5Sharp.X` and every qualified `T5Sharp.X.` / `X.Type` reference to another folder's namespace.
/// </summary>
public partial class LayeringTests
{
    // lowest first; a folder may use the ones listed for it, which are all below it
    static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Runtime"] = [],
        ["Kernels"] = [],
        ["Distributed"] = ["Kernels"],
        ["Formats"] = [],
        ["Plotting"] = [],
        ["Hub"] = ["Formats"],
        ["Tokenization"] = ["Formats"],
        ["Data"] = ["Formats", "Tokenization"],
        ["Modeling"] = ["Runtime", "Formats", "Kernels"],
        ["Pretrained"] = ["Runtime", "Formats", "Hub", "Tokenization", "Modeling"],
        ["Generation"] = ["Runtime", "Distributed", "Formats", "Tokenization", "Data", "Modeling", "Pretrained"],
        ["Peft"] = ["Formats", "Kernels", "Modeling", "Pretrained"],
        ["Evaluation"] = ["Distributed", "Formats", "Plotting", "Tokenization", "Data", "Pretrained"],
        ["Training"] = ["Runtime", "Kernels", "Distributed", "Formats", "Hub", "Tokenization", "Data", "Modeling", "Pretrained", "Generation",
            "Peft", "Evaluation"],
        ["Reports"] = ["Formats", "Plotting", "Training"],
    };

    static string Library => Path.Combine(SharedPaths.ProjectRoot, "src", "T5Sharp");

    [GeneratedRegex(@"\bT5Sharp\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex NamespaceReference();

    [Fact]
    public void EveryLibraryFolderIsInTheTable()
    {
        var folders = Directory.GetDirectories(Library).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj")).Order().ToList();
        Assert.Equal(MayUse.Keys.Order().ToList(), folders);
    }

    [Fact]
    public void NoFolderUsesAFolderAboveIt()
    {
        var violations = new List<string>();
        foreach (var (folder, allowed) in MayUse)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Library, folder), "*.cs", SearchOption.AllDirectories))
            {
                string text = File.ReadAllText(file);
                var used = NamespaceReference().Matches(text).Select(m => m.Groups[1].Value)
                    .Concat(MayUse.Keys.Where(other => other != folder && Regex.IsMatch(text, $@"(?<![\w.]){other}\.[A-Z]")))
                    .Where(MayUse.ContainsKey).Distinct();
                foreach (var other in used.Where(u => u != folder && !allowed.Contains(u)))
                    violations.Add($"{Path.GetRelativePath(Library, file)} uses {other}");
            }
        Assert.Empty(violations);
    }
}
