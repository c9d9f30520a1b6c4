using System.Text;
using System.Text.Json.Nodes;

namespace T5Sharp.Hub;

/// <summary>
/// The body of the Hub's commit call (<c>POST /api/{type}s/{repo}/commit/{revision}</c>), NDJSON: a header line
/// (summary, description, parentCommit), then one line per change: "file" with the content in base64 for regular files,
/// "lfsFile" naming an uploaded object by sha256 and size, "deletedFile" / "deletedFolder".
/// </summary>
internal static class CommitPayload
{
    public static byte[] Build(string summary, string description, string? parentCommit, IEnumerable<HubUploadFile> inline,
        IEnumerable<HubUploadFile> lfs, IEnumerable<string> deletions)
    {
        var text = new StringBuilder();
        var header = new JsonObject { ["summary"] = summary, ["description"] = description };
        if (parentCommit != null) header["parentCommit"] = parentCommit;
        Line(text, "header", header);
        foreach (var f in inline)
            Line(text, "file", new JsonObject
            {
                ["content"] = Convert.ToBase64String(File.ReadAllBytes(f.LocalPath)), ["path"] = f.PathInRepo, ["encoding"] = "base64",
            });
        foreach (var f in lfs)
            Line(text, "lfsFile", new JsonObject { ["path"] = f.PathInRepo, ["algo"] = "sha256", ["oid"] = f.Sha256, ["size"] = f.Size });
        foreach (string path in deletions)
            Line(text, path.EndsWith('/') ? "deletedFolder" : "deletedFile", new JsonObject { ["path"] = path });
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    static void Line(StringBuilder text, string key, JsonObject value) =>
        text.Append(new JsonObject { ["key"] = key, ["value"] = value }.ToJsonString()).Append('\n');
}
