using System.Diagnostics;
using System.Xml.Linq;
using NetSim.Cli;
using SkiaSharp;
using Xunit;

namespace NetSim.Experiments.Tests;

/// <summary>report.html: self-contained, valid, shows the run's tables with coloured verdicts, renders in Chromium.</summary>
public class ReportPageTests
{
    private static (int Code, string Out, string Err) Netsim(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = NetSimCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Netsim_plot_writes_a_self_contained_valid_page_with_tables_and_plots()
    {
        var folder = TestRuns.Run(TestRuns.Lossy);
        var (code, output, error) = Netsim("plot", folder);
        Assert.True(code == 0, error);
        Assert.Contains("report.html", output);
        var html = File.ReadAllText(Path.Combine(folder, "report.html"));

        var doc = XDocument.Parse(html); // well-formed
        XNamespace x = "http://www.w3.org/1999/xhtml";
        Assert.Contains("lossy.conf", doc.Descendants(x + "h1").Single().Value);
        Assert.Contains("seed 3", html);
        Assert.Contains("3 s simulated", html);
        var tables = doc.Descendants(x + "table").ToList();
        Assert.Equal(4, tables.Count); // NICs, wires, flows, expectations
        Assert.Equal(2, tables[1].Descendants(x + "tbody").Single().Elements().Count()); // the link's two directions
        var verdicts = tables[3].Descendants(x + "td").Where(td => (string?)td.Attribute("class") is "pass" or "fail").Select(td => td.Value).ToList();
        Assert.Equal(["pass", "fail"], verdicts); // delivery held, the 1 ms RTT bound did not
        var images = doc.Descendants(x + "img").ToList();
        Assert.Equal(5, images.Count);
        Assert.All(images, img => Assert.StartsWith("data:image/svg+xml;base64,", (string)img.Attribute("src")!));
        // Nothing fetched: no attribute points at another host (namespaces are names, not fetches).
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => !a.IsNamespaceDeclaration && a.Value.Contains("://", StringComparison.Ordinal));

        if (TestRuns.Require("tidy", "apt-get install -y tidy") is { } tidy)
        {
            var start = new ProcessStartInfo(tidy, ["-errors", "-quiet", Path.Combine(folder, "report.html")]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(start)!;
            var problems = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, "tidy: " + problems);
        }
    }

    [Fact]
    public void Report_page_renders_in_headless_chromium_without_console_errors_or_fetches()
    {
        var chromium = TestRuns.Require("chromium", "apt-get install -y chromium");
        if (chromium is null) return;
        var folder = TestRuns.Run(TestRuns.Lossy);
        Assert.Equal(0, Netsim("plot", folder).Code);
        var shot = Path.Combine(folder, "screenshot.png");
        var result = HeadlessChromium.Open(chromium, Path.Combine(folder, "report.html"), shot);
        Assert.Empty(result.ConsoleMessages);
        Assert.Empty(result.PageRequests);

        using var bitmap = SKBitmap.Decode(shot);
        Assert.NotNull(bitmap);
        var pixels = bitmap.Pixels;
        var nonWhite = pixels.Count(p => p.Red < 240 || p.Green < 240 || p.Blue < 240);
        Assert.True(nonWhite > pixels.Length / 100, $"screenshot nearly blank: {nonWhite} of {pixels.Length} pixels drawn");
        Assert.True(pixels.Distinct().Take(50).Count() >= 50, "screenshot has too few colours to hold tables and plots");
    }

    [Fact]
    public void The_chromium_check_catches_console_errors_and_fetches()
    {
        // The detector itself: a page that logs an error must be caught, or the check above proves nothing.
        var chromium = TestRuns.Require("chromium", "apt-get install -y chromium");
        if (chromium is null) return;
        var folder = TestRuns.NewFolder("chromium");
        var page = Path.Combine(folder, "bad.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><body><p>x</p><img src=\"http://127.0.0.1:9/planted.png\" /><script>console.error('planted');</script></body></html>");
        var result = HeadlessChromium.Open(chromium, page, Path.Combine(folder, "bad.png"));
        Assert.Contains(result.ConsoleMessages, m => m.Contains("planted", StringComparison.Ordinal));
        Assert.Contains(result.PageRequests, r => r.Contains("127.0.0.1:9/planted.png", StringComparison.Ordinal));
    }

    [Fact]
    public void Netsim_plot_on_a_folder_without_a_run_is_bad_input()
    {
        var (code, _, error) = Netsim("plot", TestRuns.NewFolder("empty"));
        Assert.Equal(2, code);
        Assert.Contains("no report.json", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
