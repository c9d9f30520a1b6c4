using Microsoft.Playwright;
using T5Sharp.Reports;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Reports;

/// <summary>
/// The report of a real (tiny) run opened in a real browser: Debian's chromium driven by Playwright (its own browser
/// download cannot reach its servers here). No console errors, no request to anything but the file itself, and every
/// figure laid out with a nonzero size.
/// </summary>
public class ReportBrowserTests
{
    const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task ReportPage_RendersItsFigures_WithoutErrorsOrRequests()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing (.ci/run installs Debian's chromium)");
        using var temp = new TempDir();
        TrainingReportTests.TinyRun(temp, "run");
        var report = TrainingReport.Load([temp.File("run")]);
        string html = report.Write(temp.File("out"));
        string url = new Uri(html).AbsoluteUri;

        using var playwright = await Playwright.CreateAsync();
        // a fresh profile per run (Playwright takes it as the persistent context's folder, not as an argument)
        await using var context = await playwright.Chromium.LaunchPersistentContextAsync(temp.File("profile"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        var errors = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        await page.RouteAsync("**/*", async route =>
        {
            string requested = route.Request.Url;
            requests.Add(requested);
            var uri = new Uri(requested);
            if (uri.IsFile || uri.Host == "127.0.0.1") await route.ContinueAsync();
            else await route.AbortAsync();
        });

        await page.GotoAsync(url);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(errors);
        Assert.Equal([url], requests); // the page and nothing else
        var boxes = await page.EvalOnSelectorAllAsync<double[][]>("svg.plot",
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })");
        Assert.Equal(report.Plots.Count, boxes.Length);
        Assert.All(boxes, b => Assert.True(b[0] > 100 && b[1] > 50, $"figure laid out at {b[0]}×{b[1]}"));
        byte[] png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
