using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>
/// SIGINT and SIGTERM sent to a real <c>netsim run</c> child process of a long real-time scenario: it stops, writes
/// the report so far marked <c>"interrupted": true</c>, and exits 130 / 143 without a stack trace. The test waits for
/// the run's first progress line on stdout (a bounded read, no sleeps) before it signals.
/// </summary>
public class SignalTests
{
    private const string LongRealTimeRun = """
        seed = 1
        duration = 30s
        time-mode = real
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l1 { a = "h1.eth0", b = "h2.eth0", delay = 1ms } }
        script = [
          { at = 0s, ping { name = p, from = h1, to = "10.0.0.2", count = 100000, interval = 100ms } }
          { at = 29s, expect { flow = p, at-least { received = 1 } } }
        ]
        """;

    private const int SigInt = 2, SigTerm = 15;

    [Theory]
    [InlineData(SigInt, NetSimCommand.Interrupted)]
    [InlineData(SigTerm, NetSimCommand.Terminated)]
    public async Task A_signal_stops_the_run_writes_the_partial_report_and_exits_128_plus_the_signal(int signal, int exitCode)
    {
        using var folder = new TempFolder();
        var scenario = folder.Write("long.conf", LongRealTimeRun);
        // The apphost, so the child is the netsim process itself (the signal must reach it, not a launcher).
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "netsim")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", scenario, "--out", folder["out"] }) psi.ArgumentList.Add(a);
        using var lines = new BlockingCollection<string?>();
        var errors = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => lines.Add(e.Data); // null: the end of the output
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Bounded poll of stdout: the first "progress:" line says the simulation is running (real time: 0.6 s in).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            var seen = new List<string>();
            while (true)
            {
                var remaining = deadline - DateTime.UtcNow;
                string? line = null;
                Assert.True(remaining > TimeSpan.Zero && lines.TryTake(out line, remaining), $"no progress line within 60 s:\n{string.Join("\n", seen)}");
                Assert.True(line is not null, $"netsim ended before its first progress line:\n{string.Join("\n", seen)}\n{errors}");
                seen.Add(line);
                if (line.StartsWith("progress:", StringComparison.Ordinal)) break;
            }
            using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await process.WaitForExitAsync(stopping.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException("netsim did not stop within 60 s of the signal"); }
            var output = string.Join("\n", seen.Concat(lines.Where(l => l is not null)));
            Assert.True(process.ExitCode == exitCode, $"exit {process.ExitCode}\n{output}\n{errors}");
            Assert.DoesNotContain("   at ", errors + output);
            Assert.Contains("interrupted at", output);

            using var report = Cli.Report(folder["out"]);
            Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
            Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
            Assert.InRange(report.RootElement.GetProperty("reachedMs").GetDouble(), 1, 29_000);
            var flow = report.RootElement.GetProperty("flows")[0];
            Assert.True(flow.GetProperty("sent").GetInt64() > 0, "the report holds the figures reached so far");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
