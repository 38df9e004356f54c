using System.Diagnostics;
using System.Runtime.InteropServices;
using NetSim.Scenario;
using NetSim.Scenario.Running;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// Run times of a scenario without a time series (Off), with the default 100 ms one and with a 10 ms one: the
/// median wall time and the median CPU time of the thread that ran it. In virtual time every actor of the run
/// executes on that thread (the driver's), so its CPU time is the run's work, and other processes on a busy
/// machine do not change it, unlike wall time, which scatters widely there.
/// </summary>
public sealed record TimeSeriesOverheadResult(string Scenario, int Rounds, (TimeSpan Wall, TimeSpan Cpu) Off, (TimeSpan Wall, TimeSpan Cpu) Default, (TimeSpan Wall, TimeSpan Cpu) Fine)
{
    public static double Percent(TimeSpan with, TimeSpan without) => (with / without - 1) * 100;

    public override string ToString() =>
        $"{Scenario}, medians of {Rounds} runs (wall / CPU): no time series {Off.Wall.TotalMilliseconds:N0} / {Off.Cpu.TotalMilliseconds:N0} ms; " +
        $"100 ms interval {Default.Wall.TotalMilliseconds:N0} / {Default.Cpu.TotalMilliseconds:N0} ms ({Percent(Default.Wall, Off.Wall):+0.0;-0.0}% / {Percent(Default.Cpu, Off.Cpu):+0.0;-0.0}%); " +
        $"10 ms interval {Fine.Wall.TotalMilliseconds:N0} / {Fine.Cpu.TotalMilliseconds:N0} ms ({Percent(Fine.Wall, Off.Wall):+0.0;-0.0}% / {Percent(Fine.Cpu, Off.Cpu):+0.0;-0.0}%)";
}

/// <summary>
/// What timeseries.csv costs a run (<c>--timeseries</c>): the same scenario run in-process with report.interval
/// 0, 100 ms and 10 ms, in rotation so drift of the machine hits all three alike, after one warm-up run each.
/// Every run writes its other results (report.json, counters, pcap) to a fresh folder, as netsim run does; plots
/// are not drawn (they are the CLI's, after the run).
/// </summary>
public static class TimeSeriesOverhead
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    /// <summary>CPU time used by the calling thread so far.</summary>
    public static TimeSpan ThreadCpuTime()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var t) != 0) throw new InvalidOperationException($"clock_gettime failed: errno {Marshal.GetLastPInvokeError()}");
        return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
    }

    public static TimeSeriesOverheadResult Measure(string scenarioPath, int rounds, Action<string>? log = null, string fineInterval = "10ms")
    {
        var intervals = new[] { "0", "100ms", fineInterval };
        var scenarios = intervals.Select(i =>
        {
            var loaded = ScenarioLoader.Load(scenarioPath, [$"report.interval={i}"]);
            return loaded.Succeeded ? loaded.Scenario! : throw new ArgumentException(string.Join("\n", loaded.Errors));
        }).ToArray();
        var times = intervals.Select(_ => new List<(TimeSpan Wall, TimeSpan Cpu)>()).ToArray();

        for (var round = -1; round < rounds; round++)
            for (var k = 0; k < scenarios.Length; k++)
            {
                var folder = Directory.CreateTempSubdirectory("netsim-bench-ts-").FullName;
                try
                {
                    var cpu = ThreadCpuTime();
                    var clock = Stopwatch.StartNew();
                    ScenarioRunner.Run(scenarios[k], new RunOptions(folder));
                    var wall = clock.Elapsed;
                    if (round >= 0) times[k].Add((wall, ThreadCpuTime() - cpu)); // round -1 warms up
                }
                finally
                {
                    Directory.Delete(folder, recursive: true);
                }
                if (round >= 0) log?.Invoke($"  round {round + 1}, interval {intervals[k]}: {times[k][^1].Wall.TotalMilliseconds:N0} ms wall, {times[k][^1].Cpu.TotalMilliseconds:N0} ms CPU");
            }
        (TimeSpan, TimeSpan) Median(List<(TimeSpan Wall, TimeSpan Cpu)> t) =>
            (t.Select(x => x.Wall).Order().ElementAt(t.Count / 2), t.Select(x => x.Cpu).Order().ElementAt(t.Count / 2));
        return new TimeSeriesOverheadResult(Path.GetFileName(scenarioPath), rounds, Median(times[0]), Median(times[1]), Median(times[2]));
    }
}
