using System.CommandLine;
using System.Diagnostics;
using T5Sharp.Hub;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp push --model DIR --repo owner/name`: uploads a model folder, an adapter folder or a whole run folder to the
/// Hub in one commit (huggingface_hub's protocol; HF_TOKEN or the token file, HF_ENDPOINT). Progress with bytes and rate on stderr.
/// </summary>
public static class PushCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The folder to push: a model, a LoRA adapter or a run folder.", Required = true };
        var repo = new Option<string>("--repo") { Description = "Hub repository, owner/name (created when missing).", Required = true };
        var revision = new Option<string>("--revision") { Description = "Branch to commit to.", DefaultValueFactory = _ => HubRepoId.DefaultRevision };
        var isPrivate = new Option<bool>("--private") { Description = "Create the repository as private (an existing one keeps its visibility)." };
        var message = new Option<string?>("--commit-message") { Description = "Commit summary (default: \"Upload folder using T5Sharp\")." };
        var createPr = new Option<bool>("--create-pr") { Description = "Open a pull request (refs/pr/N) instead of committing to the branch." };
        var include = new Option<string[]>("--include") { Description = "Push only files matching this fnmatch pattern (repeatable), e.g. '*.json'." };
        var exclude = new Option<string[]>("--exclude") { Description = "Leave out files matching this fnmatch pattern (repeatable); 'dir/' is a whole folder." };
        var command = new Command("push", "Upload a model, adapter or run folder to the Hugging Face Hub in one commit.")
            { model, repo, revision, isPrivate, message, createPr, include, exclude };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(model)!;
            var target = HubRepoId.Parse(parse.GetValue(repo)!, HubRepoType.Model);
            if (target.Revision == HubRepoId.DefaultRevision) target = target.WithRevision(parse.GetValue(revision)!);
            var files = UploadFileSelection.FromFolder(folder, parse.GetValue(include), parse.GetValue(exclude));
            var request = new HubPushRequest(target, files)
            {
                CommitMessage = parse.GetValue(message) ?? "Upload folder using T5Sharp",
                Private = parse.GetValue(isPrivate),
                CreatePr = parse.GetValue(createPr),
            };
            var result = HubUploader.FromEnvironment().PushAsync(request, Progress()).GetAwaiter().GetResult();
            string where = $"{result.Repo.Id}@{result.Repo.Revision}";
            if (result.NothingChanged)
                Console.WriteLine($"nothing to push: {where} already has all {result.UnchangedFiles} files (commit {result.CommitOid})");
            else
            {
                Console.WriteLine($"pushed {result.InlineFiles + result.LfsFiles} files to {where} ({result.InlineFiles} inline, {result.LfsFiles} LFS, " +
                                  $"{ByteSize.Text(result.LfsBytesSent)} sent through LFS, {result.UnchangedFiles} unchanged)");
                Console.WriteLine($"commit {result.CommitOid}{(result.CommitUrl is { } url ? $"  {url}" : "")}");
                if (result.PullRequestUrl is { } pr) Console.WriteLine($"pull request {pr}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A live line per stage on a terminal (redrawn at most 4 times a second); a line per stage when stderr is redirected.</summary>
    static Action<HubUploadProgress> Progress()
    {
        var clock = Stopwatch.StartNew();
        var stageStart = TimeSpan.Zero;
        var lastDraw = TimeSpan.Zero;
        HubUploadStage? stage = null;
        return p =>
        {
            var now = clock.Elapsed;
            if (p.Stage != stage)
            {
                if (stage != null && !Console.IsErrorRedirected) Console.Error.WriteLine();
                stage = p.Stage;
                stageStart = now;
                if (Console.IsErrorRedirected) Console.Error.WriteLine($"{Verb(p.Stage)} {ByteSize.Text(p.TotalBytes)}");
            }
            bool done = p.BytesDone >= p.TotalBytes && p.TotalBytes > 0;
            double seconds = Math.Max(1e-3, (now - stageStart).TotalSeconds);
            if (Console.IsErrorRedirected)
            {
                if (done) Console.Error.WriteLine($"{Verb(p.Stage)} done: {ByteSize.Text(p.BytesDone)} in {seconds:F1} s ({ByteSize.Text((long)(p.BytesDone / seconds))}/s)");
                return;
            }
            if (!done && (now - lastDraw).TotalMilliseconds < 250) return;
            lastDraw = now;
            Console.Error.Write($"\r{Verb(p.Stage)} {p.FileName}: {ByteSize.Text(p.BytesDone)}/{ByteSize.Text(p.TotalBytes)} at {ByteSize.Text((long)(p.BytesDone / seconds))}/s   ");
        };
    }

    static string Verb(HubUploadStage stage) => stage switch
    {
        HubUploadStage.Hashing => "hashing",
        HubUploadStage.Uploading => "uploading",
        _ => "committing",
    };
}
