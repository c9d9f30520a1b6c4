using System.Text.RegularExpressions;

namespace T5Sharp.Hub;

/// <summary>
/// A Hub repository at a revision: <c>owner/name</c> (or a legacy top-level <c>name</c>), model or dataset, and a branch,
/// tag or commit hash (default <c>main</c>). Written by users as <c>owner/name@revision</c>.
/// </summary>
public sealed partial record HubRepoId
{
    public const string DefaultRevision = "main";

    public string Id { get; }
    public HubRepoType Type { get; }
    public string Revision { get; }

    public HubRepoId(string id, HubRepoType type, string? revision = null)
    {
        if (!IsValidId(id))
            throw new HubException($"'{id}' is not a Hub repository name: expected 'owner/name' or 'name' (letters, digits, '-', '_', '.'; no '--' or '..'; at most 96 characters).");
        Id = id;
        Type = type;
        Revision = string.IsNullOrEmpty(revision) ? DefaultRevision : revision;
        // The revision becomes a path under refs/ in the cache; it must not climb out of it.
        if (!HubCache.IsSafeRelativePath(Revision))
            throw new HubException($"'{Revision}' is not a usable revision of {id}: expected a branch, tag or commit hash without '..', '\\' or a leading '/'.");
    }

    /// <summary>Parses <c>owner/name[@revision]</c>; throws a HubException naming the text when it is not of that form.</summary>
    public static HubRepoId Parse(string text, HubRepoType type)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('@');
        if (at < 0) return new HubRepoId(text, type);
        string revision = text[(at + 1)..];
        if (revision.Length == 0)
            throw new HubException($"'{text}' has an empty revision after '@': expected 'owner/name@branch', '@tag' or '@commit'.");
        return new HubRepoId(text[..at], type, revision);
    }

    /// <summary>Whether <paramref name="text"/> (without any @revision) has the shape of a Hub repository id.</summary>
    public static bool IsValidId(string text) =>
        text.Length is > 0 and <= 96 && IdPattern().IsMatch(text) && !text.Contains("--") && !text.Contains("..")
        && !text.StartsWith('.') && !text.EndsWith('.');

    /// <summary>The revision is a full commit hash, so the cache can answer without asking the Hub where it points.</summary>
    public bool IsCommitHash => IsCommit(Revision);

    public static bool IsCommit(string revision) => CommitPattern().IsMatch(revision);

    /// <summary>huggingface_hub's cache folder name: <c>models--owner--name</c> or <c>datasets--owner--name</c>.</summary>
    public string CacheFolderName => $"{TypePlural}--{Id.Replace("/", "--")}";

    internal string TypePlural => Type == HubRepoType.Model ? "models" : "datasets";

    /// <summary>The path prefix of the Hub's file URLs: models live at the root, datasets under /datasets.</summary>
    internal string UrlPrefix => Type == HubRepoType.Model ? Id : $"datasets/{Id}";

    public HubRepoId WithRevision(string revision) => new(Id, Type, revision);

    public override string ToString() => Revision == DefaultRevision ? Id : $"{Id}@{Revision}";

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)?$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();
}
