using System.Text;
using System.Text.RegularExpressions;

namespace T5Sharp.Hub;

/// <summary>
/// The files of a folder to push, as huggingface_hub's upload_folder picks them: every file below the folder, paths with
/// '/', kept when they match an --include pattern (if any) and no --exclude pattern. Patterns are fnmatch's ('*' also
/// crosses '/', '?', '[abc]', '[!abc]'); a pattern ending in '/' means everything below that folder. Git's own folder and
/// huggingface_hub's local metadata (.cache/huggingface) are never pushed.
/// </summary>
public static class UploadFileSelection
{
    static readonly string[] AlwaysIgnored = [".git", ".git/*", "*/.git", "*/.git/*", ".cache/huggingface", ".cache/huggingface/*", "*/.cache/huggingface/*"];

    /// <param name="pathInRepo">Folder in the repo to put the files under ("" for the root).</param>
    public static IReadOnlyList<HubUploadFile> FromFolder(string folder, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null,
        string pathInRepo = "")
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: folder to push not found.");
        var includes = (include ?? []).Select(Compile).ToList();
        var excludes = (exclude ?? []).Concat(AlwaysIgnored).Select(Compile).ToList();
        string prefix = pathInRepo.Trim('/');
        if (prefix.Length > 0 && !HubCache.IsSafeRelativePath(prefix))
            throw new HubException($"'{pathInRepo}' is not a usable folder in a repository: expected a relative path without '..' or '\\'.");
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Local: f, Relative: Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(f => (includes.Count == 0 || includes.Any(p => p.IsMatch(f.Relative))) && !excludes.Any(p => p.IsMatch(f.Relative)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => new HubUploadFile(f.Local, prefix.Length > 0 ? $"{prefix}/{f.Relative}" : f.Relative))
            .ToList();
    }

    /// <summary>Whether <paramref name="path"/> (with '/') matches the fnmatch <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string path) => Compile(pattern).IsMatch(path);

    static Regex Compile(string pattern)
    {
        if (pattern.EndsWith('/')) pattern += "*";
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            int close = c == '[' ? pattern.IndexOf(']', i + 2) : -1;
            if (c == '*') regex.Append(".*");
            else if (c == '?') regex.Append('.');
            else if (close > 0)
            {
                string set = pattern[(i + 1)..close];
                regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = close;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
