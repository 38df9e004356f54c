using System.Diagnostics;
using System.Globalization;
using NetSim.Benchmarks.Scale;
using NetSim.Scenario;
using NetSim.Scenario.Running;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// One round of <see cref="SetupSpeed"/>: loading the scenario text (parse, build, validate) and setting up its actors,
/// each in wall and CPU seconds (CPU of the whole process: every thread, the GC's too), with the bytes allocated and
/// the garbage collections of each. "Run" is the rest of <see cref="ScenarioRunner.Run"/> (1.001 simulated seconds: one ping per flow, the
/// counters collected, nothing written).
/// </summary>
public sealed record SetupSpeedResult(string Topology, int N, int Round, double LoadWall, double LoadCpu, long LoadAllocated, int LoadGen0, int LoadGen2,
    double SetupWall, double SetupCpu, long RunAllocated, int RunGen0, int RunGen2, double RunWall)
{
    /// <summary>Hosts loaded and set up per wall second.</summary>
    public double HostsPerSecond(int hosts) => hosts / (LoadWall + SetupWall);

    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0} {1:N0} round {2}: load {3:0.000} s wall / {4:0.000} s CPU, {5:N0} MB allocated, {6} gen0 + {7} gen2 GCs; set-up {8:0.000} s wall / {9:0.000} s CPU; " +
        "set-up + 1 s run + counters: {10:N0} MB allocated, {11} gen0 + {12} gen2 GCs, {13:0.000} s wall",
        Topology, N, Round, LoadWall, LoadCpu, LoadAllocated / 1_000_000, LoadGen0, LoadGen2, SetupWall, SetupCpu, RunAllocated / 1_000_000, RunGen0, RunGen2, RunWall);
}

/// <summary>
/// Set-up speed (<c>--setup [N] [rounds] [topology]</c>): the star (or chain) N of <c>netsim bench --scale</c>, its
/// generated scenario file loaded from text and its actors set up, <c>rounds</c> times in one process (round 0 is
/// cold: JIT and first allocations included). The simulated time is cut to 1.001 s (the pings start at 1 s: one each) and nothing
/// is written, so a round is almost all loading and set-up. Issue 15's target: 20,000 hosts a second.
/// </summary>
public static class SetupSpeed
{
    public static IEnumerable<SetupSpeedResult> Run(string topology, int n, int rounds)
    {
        var scale = ScaleScenario.Create(topology, n);
        var text = scale.ToHocon().Replace($"duration = {ScaleScenario.DurationSeconds}s\n", "duration = 1001ms\n", StringComparison.Ordinal);
        for (var round = 0; round < rounds; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var process = Process.GetCurrentProcess();
            var (cpu0, alloc0, gen0a, gen2a) = (process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(2));
            var clock = Stopwatch.StartNew();
            var loaded = ScenarioLoader.LoadFromText(text, $"{topology}-{n}.conf", maxFileBytes: ScenarioLimits.MaxFileBytesCeiling);
            if (!loaded.Succeeded) throw new InvalidOperationException(string.Join("\n", loaded.Errors.Take(5)));
            var loadWall = clock.Elapsed;
            process.Refresh();
            var (cpu1, alloc1, gen0b, gen2b) = (process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(2));
            var result = ScenarioRunner.Run(loaded.Scenario!, new RunOptions(null));
            var runWall = clock.Elapsed - loadWall;
            var (alloc2, gen0c, gen2c) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(2));
            if (result.Report.Flows.Sum(f => f.Sent) != scale.Flows) throw new InvalidOperationException($"expected {scale.Flows} pings sent, the run sent {result.Report.Flows.Sum(f => f.Sent)}");
            yield return new SetupSpeedResult(topology, n, round, loadWall.TotalSeconds, (cpu1 - cpu0).TotalSeconds, alloc1 - alloc0, gen0b - gen0a, gen2b - gen2a,
                result.Phases.Setup.TotalSeconds, result.Phases.SetupCpu.TotalSeconds, alloc2 - alloc1, gen0c - gen0b, gen2c - gen2b, runWall.TotalSeconds);
        }
    }
}
