using System.Diagnostics;
using System.Globalization;

namespace NetSim.Scenario;

/// <summary>
/// Where loading and set-up spend their time, for measuring (bench/README.md, "Set-up speed"): with
/// <c>NETSIM_PHASES=1</c> in the environment, each <see cref="Mark"/> writes one line to stderr with the wall time,
/// the process's CPU time, the bytes allocated, the garbage collections and their pause since the previous mark.
/// Off (one static flag test per mark, a few dozen marks a run) unless set; it changes nothing a run computes.
/// </summary>
public static class PhaseMarks
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("NETSIM_PHASES") == "1";
    private static readonly object Gate = new();
    private static Snapshot _last = Snapshot.Take();

    /// <summary>Ends the phase called <paramref name="phase"/> (and starts the next one).</summary>
    public static void Mark(string phase)
    {
        if (!Enabled) return;
        lock (Gate)
        {
            var now = Snapshot.Take();
            var d = now.Minus(_last);
            _last = now;
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "phase {0,-28} wall {1,7:0.000} s  cpu {2,7:0.000} s  alloc {3,7:N1} MB  gc {4}/{5}/{6}  pause {7,6:0.000} s",
                phase, d.Wall.TotalSeconds, d.Cpu.TotalSeconds, d.Allocated / 1e6, d.Gen0, d.Gen1, d.Gen2, d.Pause.TotalSeconds));
        }
    }

    /// <summary>Starts timing afresh (ignores what happened since the last mark).</summary>
    public static void Reset()
    {
        if (!Enabled) return;
        lock (Gate) _last = Snapshot.Take();
    }

    private readonly record struct Snapshot(TimeSpan Wall, TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Pause)
    {
        private static readonly Stopwatch Clock = Stopwatch.StartNew();

        public static Snapshot Take() => new(Clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public Snapshot Minus(Snapshot o) => new(Wall - o.Wall, Cpu - o.Cpu, Allocated - o.Allocated, Gen0 - o.Gen0, Gen1 - o.Gen1, Gen2 - o.Gen2, Pause - o.Pause);
    }
}
