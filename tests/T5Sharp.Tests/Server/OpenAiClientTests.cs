using System.Diagnostics;
using System.Text.Json;
using T5Sharp.Generation;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Server;

/// <summary>
/// A client no one here wrote: the official `openai` npm package (tests/openai-client, installed by .ci/run with npm ci)
/// calls completions and chat, streaming and not, and gets the library's text.
/// </summary>
[Collection(ServerCollection.Name)]
public class OpenAiClientTests(ServerFixture f)
{
    [Fact]
    public async Task TheOfficialOpenAiNodeClientGetsTheLibrarysText()
    {
        string dir = Path.Combine(SharedPaths.ProjectRoot, "tests", "openai-client");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "openai")), $"run `npm ci` in {dir} (.ci/run does)");
        const string prompt = "how are you?";
        var start = new ProcessStartInfo("node", ["client.mjs", $"http://127.0.0.1:{f.Server.Port}/v1", prompt])
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(node.ExitCode == 0, await stderr);
        var result = JsonDocument.Parse(await stdout).RootElement;
        var settings = new GenerationSettings { MaxNewTokens = 12 };
        string completion = f.Expected(prompt, settings)[0];
        string chat = f.Expected("User: hi there\nBot: hello\nUser: " + prompt, settings)[0];
        Assert.Equal(completion, result.GetProperty("completion").GetString());
        Assert.Equal(completion, result.GetProperty("completionStream").GetString());
        Assert.Equal(chat, result.GetProperty("chat").GetString());
        Assert.Equal(chat, result.GetProperty("chatStream").GetString());
        Assert.Contains(result.GetProperty("finish").GetString(), new[] { "stop", "length" });
        Assert.Equal(["tiny", "qv"], result.GetProperty("models").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.True(result.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }
}
