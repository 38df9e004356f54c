using System.Globalization;
using NetSim.Benchmarks.Scale;

namespace NetSim.Cli;

/// <summary>
/// <c>netsim bench --short [FILE]</c>: a short run end to end, process start to report written, as a user meets it.
/// Starts <c>netsim run FILE --out TMP</c> as a process of its own RUNS times (with the file's defaults, then with
/// <c>report.plots=off</c>, alternating) and prints the median and range of the wall time and of the CPU time
/// (user + sys of the child, from getrusage) of each. Without FILE it runs a 10-host star (the <c>--scale</c>
/// generator's star 10, cut to 1.1 s simulated: ten ping flows of 63 pings each after the script starts at 1 s).
/// The child is this process's own program, so a ReadyToRun publish measures itself (README, "Performance").
/// </summary>
internal static class ShortRunBench
{
    /// <summary>The variants measured: the file as it is (plots on unless it says otherwise), and without plots.</summary>
    private static readonly (string Name, string[] Arguments)[] Variants =
    [
        ("defaults", []),
        ("no plots", ["--set", "report.plots=off"]),
    ];

    public static int Run(FileInfo? file, int runs, TextWriter output, TextWriter error)
    {
        if (runs < 1)
        {
            error.WriteLine($"netsim bench: --runs: {runs} is not a number of runs (1 or more)");
            return NetSimCommand.BadInput;
        }
        var work = Directory.CreateTempSubdirectory("netsim-bench-short-");
        try
        {
            string path;
            string[] extra;
            if (file is null)
            {
                path = Path.Combine(work.FullName, "star-10.conf");
                File.WriteAllText(path, ScaleScenario.Create("star", 10).ToHocon());
                extra = ["--set", "duration=1100ms"];
            }
            else
            {
                path = file.FullName;
                extra = [];
            }
            var self = Environment.ProcessPath!;
            IReadOnlyList<string> prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(ShortRunBench).Assembly.Location] : [];
            var what = file is null ? "a 10-host star (bench --scale's star 10), 1.1 s simulated" : PlotCommand.Relative(path);
            output.WriteLine($"netsim bench --short: {what}, {runs} runs per variant, "
                + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {(IsReadyToRun() ? "ReadyToRun" : "JIT (not a ReadyToRun publish)")}, "
                + $"load average {LoadAverage()}");
            var wall = Variants.Select(_ => new List<double>()).ToArray();
            var cpu = Variants.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < runs; r++)
                for (var v = 0; v < Variants.Length; v++)
                {
                    var run = ChildProcesses.Run(self, [.. prefix, "run", path, "--out", Path.Combine(work.FullName, "out"), .. extra, .. Variants[v].Arguments],
                        NetSimCommand.Ok, NetSimCommand.ExpectationFailed);
                    wall[v].Add(run.WallSeconds);
                    cpu[v].Add(run.CpuSeconds);
                }
            output.WriteLine("| variant | wall s, median (range) | CPU s, median (range) |");
            output.WriteLine("| --- | ---: | ---: |");
            for (var v = 0; v < Variants.Length; v++)
                output.WriteLine($"| {Variants[v].Name} | {Summary(wall[v])} | {Summary(cpu[v])} |");
            output.WriteLine($"load average after: {LoadAverage()}");
            return NetSimCommand.Ok;
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { } // a temporary folder: best effort
        }
    }

    private static string Summary(List<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{ChildProcesses.Median(values):0.000} ({values.Min():0.000}-{values.Max():0.000})");

    /// <summary>Whether this netsim was published ReadyToRun (a plain build JITs everything: short runs cost about twice the CPU).</summary>
    private static bool IsReadyToRun()
    {
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "netsim.r2r.dll"))) return true; // a composite publish
        var location = typeof(ShortRunBench).Assembly.Location;
        if (location.Length == 0) return false;
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(location));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
