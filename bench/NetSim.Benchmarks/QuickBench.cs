using System.Diagnostics;
using NetSim.Benchmarks.Measure;

namespace NetSim.Benchmarks;

/// <summary>
/// One figure of <see cref="QuickBench"/>. <paramref name="Baseline"/> names the figure this one is compared to;
/// <paramref name="Ratio"/> is then the time ratio (baseline throughput / this throughput, like BenchmarkDotNet's
/// Ratio column: 20 means 20 times slower than the baseline).
/// </summary>
public sealed record BenchResult(string Name, double Value, string Unit, string? Baseline = null, double? Ratio = null)
{
    public override string ToString() =>
        $"{Name,-34} {Value,16:N0} {Unit,-10}" + (Ratio is { } r ? $" ratio {r,7:N2} vs {Baseline}" : Baseline is null ? "" : $" vs {Baseline}");
}

/// <summary>
/// The quick harness (<c>netsim bench --quick</c>): the same measurements as the BenchmarkDotNet suite
/// (<see cref="FramePathBenchmarks"/>, <see cref="NicLifecycleBenchmarks"/>, <c>--memory</c>), run with plain
/// Stopwatch loops. Figures are rough: no statistics, warm-up is one run, the machine's noise shows.
/// </summary>
public static class QuickBench
{
    /// <summary>Frames per pump run of the frame-path figures (a multiple of 64).</summary>
    public const int FrameChunk = 4096;
    /// <summary>NICs created by the memory figure.</summary>
    public const int MemoryNics = 10_000;

    /// <summary>
    /// Measures every figure; <paramref name="budget"/> is shared evenly by the six timed figures (the memory figure
    /// is not timed and adds about a second). <paramref name="progress"/> gets each result as it is measured.
    /// </summary>
    public static IReadOnlyList<BenchResult> Run(TimeSpan budget, Action<BenchResult>? progress = null, int pingSeconds = 60, int echoPackets = 100_000, int tcpSeconds = 60)
    {
        var slice = budget / 9;
        var results = new List<BenchResult>();
        void Add(BenchResult r) { results.Add(r); progress?.Invoke(r); }

        const string directName = "frames direct (no actors)";
        var direct = new DirectFramePath();
        var directRate = Rate(slice, FrameChunk * 4, n => direct.Run(n));
        Add(new BenchResult(directName, directRate, "frames/s"));
        using (var actors = ActorFramePath.Start("quick-frames"))
        {
            var single = Rate(slice, FrameChunk, n => actors.Run(n, 1));
            Add(new BenchResult("frames actors, 1 per message", single, "frames/s", directName, directRate / single));
            var batch = Rate(slice, FrameChunk, n => actors.Run(n, 64));
            Add(new BenchResult("frames actors, batches of 64", batch, "frames/s", directName, directRate / batch));
        }

        const string routerDirectName = "router direct (no actors)";
        var routerDirect = new DirectRouterPath();
        var routerDirectRate = Rate(slice, FrameChunk * 4, n => routerDirect.Run(n, 64));
        Add(new BenchResult(routerDirectName, routerDirectRate, "frames/s"));
        using (var router = ActorFramePath.Start("quick-router", router: true))
        {
            var single = Rate(slice, FrameChunk, n => router.Run(n, 1));
            Add(new BenchResult("router actors, 1 per message", single, "frames/s", routerDirectName, routerDirectRate / single));
            var batch = Rate(slice, FrameChunk, n => router.Run(n, 64));
            Add(new BenchResult("router actors, batches of 64", batch, "frames/s", routerDirectName, routerDirectRate / batch));
        }

        const string bareName = "bare actor spawn/ping/stop";
        using (var nics = NicLifecycle.Start("quick-nics"))
        {
            var bare = Rate(slice, 500, n => nics.RunBareActors(n));
            Add(new BenchResult(bareName, bare, "cycles/s"));
            var cycle = Rate(slice, 500, n => nics.Run(n));
            Add(new BenchResult("NIC open/attach/close/removed", cycle, "cycles/s", bareName, bare / cycle));
            var cycle64 = Rate(slice, 2000, n => nics.Run(n, 64));
            Add(new BenchResult("NIC cycles, 64 concurrent", cycle64, "cycles/s", bareName, bare / cycle64));
        }

        // Whole simulations in virtual time (not part of the budget: they run to completion).
        var (speedUp, _) = VirtualTimeRuns.Ping(pingSeconds);
        Add(new BenchResult($"virtual time, {pingSeconds} s ping over 20 ms link", speedUp, "x realtime"));
        var (ns3Rate, ns3Note) = VirtualTimeRuns.Ns3(echoPackets);
        var echo = VirtualTimeRuns.UdpEcho(echoPackets);
        Add(ns3Rate is { } peer
            ? new BenchResult($"UDP echo {echoPackets:N0} x 64 B ({ns3Note})", peer, "echoes/s")
            : new BenchResult($"UDP echo in ns-3: {ns3Note}", double.NaN, "echoes/s"));
        Add(new BenchResult($"UDP echo {echoPackets:N0} x 64 B (NetSim)", echo.EchoesPerSecond, "echoes/s",
            ns3Rate is null ? null : "ns-3", ns3Rate is { } r ? r / echo.EchoesPerSecond : null));

        // TCP bulk transfer beside ns-3 (issue 11): 100 Mbit/s, 10 ms, CUBIC, simulated segments per wall second.
        var (ns3Tcp, ns3TcpNote) = VirtualTimeRuns.Ns3Tcp(tcpSeconds);
        var tcp = VirtualTimeRuns.TcpBulk(tcpSeconds);
        Add(ns3Tcp is { } tcpPeer
            ? new BenchResult($"TCP bulk {tcpSeconds} s, 100 Mbit/s 10 ms ({ns3TcpNote})", tcpPeer, "segments/s")
            : new BenchResult($"TCP bulk in ns-3: {ns3TcpNote}", double.NaN, "segments/s"));
        Add(new BenchResult($"TCP bulk {tcpSeconds} s, 100 Mbit/s 10 ms (NetSim, {tcp.Segments:N0} segments, {tcp.Goodput / 1e6:F1} Mbit/s)",
            tcp.SegmentsPerSecond, "segments/s", ns3Tcp is null ? null : "ns-3", ns3Tcp is { } t ? t / tcp.SegmentsPerSecond : null));

        var memory = NicMemory.Measure(MemoryNics);
        Add(new BenchResult($"memory per idle NIC ({MemoryNics:N0})", memory.ManagedBytesPerNic, "bytes/NIC"));
        return results;
    }

    /// <summary>
    /// Operations per second of <paramref name="run"/> (called with <paramref name="chunk"/> operations at a time):
    /// one warm-up call, then calls until <paramref name="slice"/> has passed (at least one).
    /// </summary>
    public static double Rate(TimeSpan slice, int chunk, Action<int> run)
    {
        run(chunk);
        long ops = 0;
        var sw = Stopwatch.StartNew();
        do
        {
            run(chunk);
            ops += chunk;
        } while (sw.Elapsed < slice);
        return ops / sw.Elapsed.TotalSeconds;
    }
}
