using T5Sharp.Tests.Hub;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>`t5sharp push` against the fake Hub: a commit, progress on stderr, an unchanged second push, a pull request, a refusal.</summary>
public class CliPushTests
{
    [Fact]
    public void PushesAFolderReportsProgressAndRefusesWithoutAToken()
    {
        using var hub = new HubFixture();
        using var folder = new TempDir();
        using var home = new TempDir();
        hub.Server.AcceptedToken = HubFixture.Token;
        File.WriteAllText(folder.File("config.json"), "{\"d_model\": 8}\n");
        File.WriteAllBytes(folder.File("adapter_model.safetensors"), new byte[6000]);
        File.WriteAllText(folder.File("notes.tmp"), "scratch\n");
        var env = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = hub.Server.Endpoint.ToString().TrimEnd('/'), ["HF_TOKEN"] = HubFixture.Token, ["HF_HOME"] = home.Path,
        };

        var push = CliRunner.RunWith(env, "push", "--model", folder.Path, "--repo", "t5sharp/cli-adapter", "--exclude", "*.tmp",
            "--commit-message", "first adapter");
        Assert.True(push.ExitCode == 0, push.Stderr);
        var repo = hub.Server.Repos["models/t5sharp/cli-adapter"];
        string commit = repo.Refs["main"];
        Assert.Equal([".gitattributes", "adapter_model.safetensors", "config.json"], repo.Commits[commit].Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"pushed 2 files to t5sharp/cli-adapter@main (1 inline, 1 LFS, 5.9 KiB sent through LFS, 0 unchanged)\n" +
                     $"commit {commit}  {hub.Server.Endpoint}t5sharp/cli-adapter/commit/{commit}\n", push.Stdout);
        Assert.Contains("uploading done: 5.9 KiB in ", push.Stderr);

        var again = CliRunner.RunWith(env, "push", "--model", folder.Path, "--repo", "t5sharp/cli-adapter", "--exclude", "*.tmp");
        Assert.Equal($"nothing to push: t5sharp/cli-adapter@main already has all 2 files (commit {commit})\n", again.Stdout);

        File.WriteAllText(folder.File("config.json"), "{\"d_model\": 16}\n");
        var pr = CliRunner.RunWith(env, "push", "--model", folder.Path, "--repo", "t5sharp/cli-adapter", "--include", "*.json", "--create-pr");
        Assert.True(pr.ExitCode == 0, pr.Stderr);
        Assert.EndsWith($"pull request {hub.Server.Endpoint}t5sharp/cli-adapter/discussions/1\n", pr.Stdout);
        Assert.Equal(commit, repo.Refs["main"]);

        var noToken = CliRunner.RunWith(new Dictionary<string, string>(env) { ["HF_TOKEN"] = "" }, "push", "--model", folder.Path, "--repo", "t5sharp/cli-adapter");
        Assert.Equal(2, noToken.ExitCode);
        Assert.StartsWith("error: Pushing to model repository 't5sharp/cli-adapter' needs a token with write access, and none was found", noToken.Stderr);
    }
}
