using NetSim.Scenario;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Experiments.Tests;

/// <summary>Small scenarios run into fresh temporary folders, and the tools a test needs from the machine.</summary>
internal static class TestRuns
{
    /// <summary>Two hosts over a lossy, rate-limited link; a UDP stream and a ping (both flows lose packets).</summary>
    public const string Lossy = """
        seed = 3
        duration = 3s
        hosts {
          a { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"] } } }
          b { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l1 { a = "a.eth0", b = "b.eth0", delay = 10ms, jitter = 4ms, loss = 0.05, rate = 4Mbps, queue = 30 } }
        script = [
          { at = 0.2s, udp { name = "bulk", from = a, to = "10.0.0.2", port = 9, rate = 300, size = 1000, count = 600 } }
          { at = 0.1s, ping { name = "echo", from = a, to = "10.0.0.2", count = 25, interval = 100ms } }
          { at = 2.9s, expect { flow = bulk, at-least { delivery-ratio = 0.5 } } }
          { at = 2.9s, expect { flow = echo, at-most { rtt-max = 1ms } } }
        ]
        """;

    /// <summary>samples/tcp-single-flow.conf made cheap: one CUBIC flow for 2 s over 10 Mbit/s with 20 ms each way.</summary>
    public const string TcpSingleFlow = """
        seed = 1
        duration = 2.5s
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/30"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/30"] } } }
        }
        links { l1 { a = "h1.eth0", b = "h2.eth0", delay = 20ms, rate = 10Mbps, queue = 100 } }
        script = [
          { at = 0.5s, tcp { name = bulk, from = h1, to = "10.0.0.2", port = 5001, duration = 2s, cc = cubic } }
        ]
        """;

    public static string NewFolder(string what) => Directory.CreateTempSubdirectory($"netsim-{what}-").FullName;

    /// <summary>Runs <paramref name="text"/> into a new folder and returns the folder.</summary>
    public static string Run(string text, params string[] set)
    {
        var loaded = ScenarioLoader.LoadFromText(text, "lossy.conf", set);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var folder = NewFolder("run");
        ScenarioRunner.Run(loaded.Scenario!, new RunOptions(folder));
        return folder;
    }

    /// <summary>The full path of a program on PATH, or null. In CI (CI=true) a missing tool fails the test.</summary>
    public static string? Require(string program, string install)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{program} is required in CI ({install})");
        return null;
    }
}
