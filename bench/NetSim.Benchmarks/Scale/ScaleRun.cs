using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetSim.Scenario;
using NetSim.Scenario.Running;

namespace NetSim.Benchmarks.Scale;

/// <summary>One NetSim run of a <see cref="ScaleScenario"/>, timed by phase (wall seconds).</summary>
public sealed record ScaleRunResult(
    string Simulator, string Topology, int N, int Run, double ParseSeconds, double SetupSeconds, double RunSeconds,
    double ResultsSeconds, double TotalSeconds, double RunCpuSeconds, double SetupCpuSeconds, long RunTurns, long Frames, long PingsSent, long PingsAnswered, long PeakRssKib,
    long AllocatedBytes = 0, long RunAllocatedBytes = 0)
{
    public double FramesPerSecond => RunSeconds > 0 ? Frames / RunSeconds : 0;

    /// <summary>Scheduler turns (mailbox runs and timer firings) per frame received by a NIC.</summary>
    public double TurnsPerFrame => Frames > 0 ? (double)RunTurns / Frames : 0;

    /// <summary>Bytes allocated per frame over the whole run (parse, set-up, run, report: the run dominates).</summary>
    public double AllocatedBytesPerFrame => Frames > 0 ? (double)AllocatedBytes / Frames : 0;

    /// <summary>Bytes allocated per frame in the run phase alone.</summary>
    public double RunBytesPerFrame => Frames > 0 ? (double)RunAllocatedBytes / Frames : 0;

    public string ToJson() => JsonSerializer.Serialize(this);

    public static ScaleRunResult? FromJson(string line) =>
        line.StartsWith('{') ? JsonSerializer.Deserialize<ScaleRunResult>(line) : null;
}

/// <summary>
/// The NetSim side of `netsim bench --scale`: in one process, runs a scale scenario <c>runs</c> times (the first is
/// cold: JIT, type loading and first-touch allocation included; the later ones warm) and prints one JSON line each.
/// Each run parses the generated text, sets up the actors, runs 10 simulated seconds and writes report.json and
/// counters.csv to a temporary folder, as <c>netsim run</c> does.
/// </summary>
public static class ScaleRun
{
    public static IEnumerable<ScaleRunResult> Run(ScaleScenario scenario, int runs)
    {
        // star and chain are loaded from their scenario file's text, as a user's file is (parsing is part of set-up,
        // as in the tables so far); star-of-stars is built through the library API (a million hosts would be a 400 MB
        // file), so its "parse" is building the model.
        var text = scenario.Topology == "star-of-stars" ? null : scenario.ToHocon();
        for (var run = 0; run < runs; run++)
        {
            var folder = Path.Combine(Path.GetTempPath(), $"netsim-scale-{Environment.ProcessId}-{run}");
            try
            {
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var total = Stopwatch.StartNew();
                var model = text is null ? scenario.ToScenario() : Load(text, scenario);
                var parse = total.Elapsed;
                var result = ScenarioRunner.Run(model, new RunOptions(folder, PauseForHeapDump.FromEnvironment()));
                var report = result.Report;
                yield return new ScaleRunResult("netsim", scenario.Topology, scenario.N, run, parse.TotalSeconds,
                    result.Phases.Setup.TotalSeconds, result.Phases.Run.TotalSeconds, result.Phases.Results.TotalSeconds,
                    total.Elapsed.TotalSeconds, result.Phases.RunCpu.TotalSeconds, result.Phases.SetupCpu.TotalSeconds, result.Phases.RunTurns, report.Nics.Sum(n => n.RxPackets), report.Flows.Sum(f => f.Sent),
                    report.Flows.Sum(f => f.Received), PeakRssKib(), GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, result.Phases.RunAllocatedBytes);
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static NetSim.Scenario.Scenario Load(string text, ScaleScenario scenario)
    {
        var loaded = ScenarioLoader.LoadFromText(text, $"{scenario.Topology}-{scenario.N}.conf", maxFileBytes: ScenarioLimits.MaxFileBytesCeiling); // generated: thousands of hosts
        return loaded.Succeeded ? loaded.Scenario! : throw new InvalidOperationException(string.Join("\n", loaded.Errors.Take(5)));
    }

    /// <summary>The process's peak resident set (VmHWM), as the ns-3 program reports its own.</summary>
    public static long PeakRssKib()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }
}

/// <summary>
/// For measuring memory: with <c>NETSIM_SCALE_PAUSE=SECONDS</c> set, the run stops once, halfway through its simulated
/// time, says so on stderr ("paused PID") and waits that long, so <c>dotnet-gcdump collect -p PID</c> sees the heap of
/// the run phase (every actor started, no report yet) whatever the machine's load. Off unless set.
/// </summary>
internal sealed class PauseForHeapDump(TimeSpan pause) : IProgress<RunProgress>
{
    private bool _paused;

    public static IProgress<RunProgress>? FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("NETSIM_SCALE_PAUSE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new PauseForHeapDump(TimeSpan.FromSeconds(seconds))
            : null;

    public void Report(RunProgress value)
    {
        if (_paused || value.Simulated < value.Duration / 2) return;
        _paused = true;
        Console.Error.WriteLine($"paused {Environment.ProcessId}");
        Thread.Sleep(pause); // the run's own thread: simulated time stands still meanwhile
    }
}
