using System.Diagnostics;
using NetSim.Scenario;
using NetSim.Scenario.Running;

namespace NetSim.Benchmarks.Measure;

/// <summary>What a whole run of one long UDP flow costs in memory: the peak working set of this process.</summary>
public sealed record FlowMemoryResult(long Datagrams, long Received, long PeakWorkingSetBytes, long HeapAfterRunBytes, double WallSeconds)
{
    public override string ToString() =>
        $"{Datagrams:N0} datagrams ({Received:N0} received): peak working set {PeakWorkingSetBytes / 1048576.0:N1} MiB, " +
        $"managed heap after the run {HeapAfterRunBytes / 1048576.0:N1} MiB, {WallSeconds:N1} s wall";
}

/// <summary>
/// One UDP flow of N 64-byte datagrams between two hosts over an ideal link, one every microsecond, run as a
/// scenario in virtual time; the process's peak working set afterwards. Per-flow state is a sliding window, so 10 M
/// datagrams should peak where 1 M does. Run each count in its own process: a peak never goes down.
/// </summary>
public static class FlowMemory
{
    public static string Scenario(long datagrams) => $$"""
        seed = 1
        duration = {{datagrams / 1_000_000 + 2}}s
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/30"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/30"] } } }
        }
        links { l1 { a = "h1.eth0", b = "h2.eth0" } }
        script = [ { at = 0s, udp { name = "long", from = h1, to = "10.0.0.2", port = 9, rate = 1000000, size = 64, count = {{datagrams}} } } ]
        """;

    public static FlowMemoryResult Measure(long datagrams)
    {
        var loaded = ScenarioLoader.LoadFromText(Scenario(datagrams), "bench-flow-memory.conf");
        if (!loaded.Succeeded) throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        var sw = Stopwatch.StartNew();
        var report = ScenarioRunner.Run(loaded.Scenario!, new RunOptions(null)).Report;
        var wall = sw.Elapsed.TotalSeconds;
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return new FlowMemoryResult(datagrams, report.Flows[0].Received, self.PeakWorkingSet64, heap, wall);
    }
}
