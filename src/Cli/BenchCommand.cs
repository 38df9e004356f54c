using System.Globalization;
using System.Text.Json;
using NetSim.Benchmarks;
using NetSim.Benchmarks.Scale;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>
/// <c>netsim bench [--quick]</c>: the figures of bench/NetSim.Benchmarks measured with QuickBench (Stopwatch loops, the
/// same measurement code as the BenchmarkDotNet suite), printed as a table and written as JSON. --quick keeps the
/// whole run to about a minute (shorter loops, a 10 s ping scenario, 20,000 echoes, 10 s of TCP); the default takes a
/// few minutes (60 s of TCP at 100 Mbit/s beside ns-3 among them).
/// </summary>
internal static class BenchCommand
{
    public static int Run(bool quick, FileInfo? json, TextWriter output)
    {
        var budget = TimeSpan.FromSeconds(quick ? 9 : 45);
        var (pingSeconds, echoPackets, tcpSeconds) = quick ? (10, 20_000, 10) : (60, 100_000, 60);
        output.WriteLine($"netsim bench{(quick ? " --quick" : "")}: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}");
        var results = QuickBench.Run(budget, r => output.WriteLine($"  {r}"), pingSeconds, echoPackets, tcpSeconds);

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        var table = new Table().AddColumns("figure", "value", "unit", "baseline", "ratio");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Name), double.IsNaN(r.Value) ? "-" : r.Value.ToString("N0", CultureInfo.InvariantCulture), r.Unit,
                Markup.Escape(r.Baseline ?? ""), r.Ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? "");
        console.Write(table);

        var path = json?.FullName ?? "bench-results.json";
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            machine = new { cores = Environment.ProcessorCount, memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, dotnet = Environment.Version.ToString() },
            quick,
            results = results.Select(r => new { name = r.Name, value = double.IsNaN(r.Value) ? (double?)null : r.Value, unit = r.Unit, baseline = r.Baseline, ratio = r.Ratio }),
        }, new JsonSerializerOptions { WriteIndented = true }));
        output.WriteLine($"written: {path}");
        return NetSimCommand.Ok;
    }

    /// <summary><c>netsim bench --scale</c>: star and chain, NetSim beside ns-3, one process per simulator and run.</summary>
    public static int Scale(string? topologies, string? sizes, int? pairs, TextWriter output)
    {
        var tops = (topologies ?? "star,chain").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ns = (sizes ?? "10,100,1000").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToList();
        // This process's own program: the apphost, or dotnet with netsim.dll.
        var self = Environment.ProcessPath!;
        IReadOnlyList<string> prefix = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? [typeof(BenchCommand).Assembly.Location, "bench-scale-run"]
            : ["bench-scale-run"];
        output.WriteLine($"netsim bench --scale: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {ScaleScenario.TotalPings:N0} pings per scenario, {ScaleScenario.DurationSeconds} s simulated");
        var rows = ScaleBench.Run(tops, ns, pairs ?? 3, new ScaleChild(self, prefix), ScaleBench.Ns3Program(), output.WriteLine);
        foreach (var line in ScaleBench.Table(rows)) output.WriteLine(line);
        return NetSimCommand.Ok;
    }

    /// <summary>One child process of <see cref="Scale"/>; with 0 runs, prints the scenario file instead.</summary>
    public static int ScaleRun(string topology, int n, int runs, TextWriter output)
    {
        if (runs == 0)
        {
            output.Write(ScaleScenario.Create(topology, n).ToHocon());
            return NetSimCommand.Ok;
        }
        foreach (var r in NetSim.Benchmarks.Scale.ScaleRun.Run(ScaleScenario.Create(topology, n), runs))
            output.WriteLine(r.ToJson());
        return NetSimCommand.Ok;
    }
}
