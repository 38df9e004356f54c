using System.Diagnostics;
using Xunit;

namespace NetSim.Experiments.Tests;

/// <summary>
/// Opens a local page in headless Chromium (Debian's chromium) and returns what it logged, its console messages
/// and the URLs it requested. Background networking, updates and DNS are off: it fetches nothing on its own.
/// </summary>
internal static class HeadlessChromium
{
    public sealed record Result(IReadOnlyList<string> ConsoleMessages, IReadOnlyList<string> PageRequests);

    private static readonly string[] BrowserServices = [".google.com/", ".googleapis.com/", ".gstatic.com/"];

    public static Result Open(string chromium, string page, string screenshot)
    {
        var profile = Directory.CreateTempSubdirectory("netsim-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pings",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--disable-extensions", "--disable-domain-reliability", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=1",
                $"--screenshot={screenshot}", "--window-size=1200,1800", new Uri(page).AbsoluteUri,
            }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 2 minutes");
            }
            var lines = stderr.Result.Split('\n');
            _ = stdout.Result;
            return new Result(
                [.. lines.Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal))],
                [.. lines.Where(l => l.Contains("NotifyBeforeURLRequest", StringComparison.Ordinal) && !BrowserServices.Any(s => l.Contains(s, StringComparison.Ordinal)))]);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }
}
