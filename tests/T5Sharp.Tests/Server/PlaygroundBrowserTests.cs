using Microsoft.Playwright;
using T5Sharp.Generation;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Server;

/// <summary>
/// The playground at / in a real browser (Playwright driving Debian's chromium; .ci/run installs it): the streamed text
/// equals the API's answer, Stop cancels the generation, chat mode keeps context, no console errors, no request leaves
/// 127.0.0.1. Saves a screenshot to artifacts/serve-playground.png.
/// </summary>
[Collection(ServerCollection.Name)]
public class PlaygroundBrowserTests(ServerFixture f)
{
    const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task ThePlaygroundStreamsStopsAndChats()
    {
        Assert.True(File.Exists(Chromium), "install Debian's chromium (.ci/run does)");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        var consoleErrors = new List<string>();
        var outside = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (consoleErrors) consoleErrors.Add(m.Text); };
        page.PageError += (_, e) => { lock (consoleErrors) consoleErrors.Add(e); };
        await page.RouteAsync("**/*", async route =>
        {
            var uri = new Uri(route.Request.Url);
            if (uri.Host == "127.0.0.1" && uri.Port == f.Server.Port) await route.ContinueAsync();
            else
            {
                lock (outside) outside.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        string base_ = $"http://127.0.0.1:{f.Server.Port}/";
        await page.GotoAsync(base_);
        await page.WaitForFunctionAsync("document.querySelectorAll('#model option').length == 2");

        // completion: the streamed text equals the API's (the library's) answer
        const string prompt = "summarize: the quick brown fox jumps over the lazy dog";
        await page.FillAsync("#prompt", prompt);
        await page.FillAsync("#max_tokens", "16");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("document.getElementById('stats').textContent.includes('tokens/s')");
        Assert.Equal(f.Expected(prompt, new GenerationSettings { MaxNewTokens = 16 })[0], await page.TextContentAsync("#output"));

        // stop: a long generation is cancelled and its slot freed
        await page.FillAsync("#max_tokens", "4000");
        await page.FillAsync("#min_tokens", "4000");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("document.getElementById('output').textContent.length > 0");
        await page.ClickAsync("#stop");
        await page.WaitForFunctionAsync("document.getElementById('stats').textContent == 'stopped'");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (f.Server.Scheduler.Active > 0 && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20);
        Assert.Equal(0, f.Server.Scheduler.Active);

        // chat keeps context: the second answer is the model's answer to both turns
        await page.FillAsync("#min_tokens", "0");
        await page.FillAsync("#max_tokens", "12");
        await page.SelectOptionAsync("#mode", "chat");
        await page.FillAsync("#prompt", "hi there");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("document.querySelectorAll('#history .turn').length == 2");
        string first = (await page.TextContentAsync("#output"))!;
        var settings = new GenerationSettings { MaxNewTokens = 12 };
        Assert.Equal(f.Expected("User: hi there", settings)[0], first);
        await page.FillAsync("#prompt", "how are you?");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("document.querySelectorAll('#history .turn').length == 4");
        Assert.Equal(f.Expected($"User: hi there\nBot: {first}\nUser: how are you?", settings)[0], await page.TextContentAsync("#output"));

        string shot = Path.Combine(SharedPaths.ProjectRoot, "artifacts", "serve-playground.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.Empty(consoleErrors);
        Assert.Empty(outside);
    }
}
