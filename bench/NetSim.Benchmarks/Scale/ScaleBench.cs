using System.Globalization;
using System.Text.Json;

namespace NetSim.Benchmarks.Scale;

/// <summary>How to start one NetSim scale run in a process of its own (its peak RSS is its own).</summary>
/// <param name="FileName">The program (the netsim apphost, or dotnet).</param>
/// <param name="Prefix">Arguments before "TOPOLOGY N RUNS" (e.g. ["bench", "--scale-one"]).</param>
public sealed record ScaleChild(string FileName, IReadOnlyList<string> Prefix);

/// <summary>The medians of one topology and size, NetSim beside ns-3.</summary>
public sealed record ScaleRow(string Topology, int N, int Pairs, long NetSimFrames, long Ns3Frames,
    double ColdSetup, double ColdRun, double WarmSetup, double WarmRun, double WarmRunCpu, double NetSimRssMib,
    double Ns3Setup, double Ns3Run, double Ns3RunCpu, double Ns3RssMib)
{
    public double WarmFramesPerSecond => WarmRun > 0 ? NetSimFrames / WarmRun : 0;
    public double ColdFramesPerSecond => ColdRun > 0 ? NetSimFrames / ColdRun : 0;
    public double Ns3FramesPerSecond => Ns3Run > 0 ? Ns3Frames / Ns3Run : 0;
}

/// <summary>
/// `netsim bench --scale`: star and chain at each N, NetSim and ns-3 (bench/ns3/scale.cc) side by side. Each pair runs
/// the two simulators in separate processes, alternating which goes first; NetSim's process runs the scenario twice
/// (cold, then warm). Reports medians over the pairs of set-up (NetSim: parse + actors), run phase, frames per
/// second of the run phase, peak RSS, and the ratios; fails if the two do not deliver the same frames.
/// </summary>
public static class ScaleBench
{
    public static IReadOnlyList<ScaleRow> Run(IReadOnlyList<string> topologies, IReadOnlyList<int> sizes, int pairs,
        ScaleChild netsim, string ns3Program, Action<string> log)
    {
        var rows = new List<ScaleRow>();
        foreach (var topology in topologies)
            _ = ScaleScenario.Create(topology, 3).Ns3Arguments(); // fails before any run: every topology needs its ns-3 peer
        foreach (var topology in topologies)
            foreach (var n in sizes)
            {
                var scenario = ScaleScenario.Create(topology, n);
                var cold = new List<ScaleRunResult>();
                var warm = new List<ScaleRunResult>();
                var ns3 = new List<JsonElement>();
                var count = n >= 10_000 ? Math.Min(pairs, 1) : pairs; // the 10,000s take minutes each
                for (var p = 0; p < count; p++)
                {
                    void RunNetSim()
                    {
                        var lines = ChildProcesses.Run(netsim.FileName, [.. netsim.Prefix, topology, n.ToString(CultureInfo.InvariantCulture), "2"]).Lines;
                        var results = lines.Select(ScaleRunResult.FromJson).OfType<ScaleRunResult>().ToList();
                        if (results.Count != 2) throw new InvalidOperationException($"netsim {topology} {n}: {string.Join("\n", lines)}");
                        cold.Add(results[0]);
                        warm.Add(results[1]);
                        log($"  netsim {topology} {n}: cold {results[0].SetupSeconds + results[0].ParseSeconds:0.000} + {results[0].RunSeconds:0.000} s (run CPU {results[0].RunCpuSeconds:0.000}), warm {results[1].SetupSeconds + results[1].ParseSeconds:0.000} + {results[1].RunSeconds:0.000} s (set-up CPU {results[1].SetupCpuSeconds:0.000}, run CPU {results[1].RunCpuSeconds:0.000}), {results[1].Frames} frames, {results[1].TurnsPerFrame:0.00} turns and {results[1].AllocatedBytesPerFrame:N0} B allocated per frame, {results[1].PeakRssKib / 1024} MiB");
                    }
                    void RunNs3()
                    {
                        var lines = ChildProcesses.Run(ns3Program, scenario.Ns3Arguments()).Lines;
                        var json = JsonDocument.Parse(lines.Single(l => l.StartsWith('{'))).RootElement.Clone();
                        ns3.Add(json);
                        log($"  ns-3   {topology} {n}: {json.GetProperty("setup_seconds").GetDouble():0.000} + {json.GetProperty("run_seconds").GetDouble():0.000} s (run CPU {json.GetProperty("run_cpu_seconds").GetDouble():0.000}), {json.GetProperty("frames").GetInt64()} frames, {json.GetProperty("peak_rss_kib").GetInt64() / 1024} MiB");
                    }
                    if (p % 2 == 0) { RunNetSim(); RunNs3(); } else { RunNs3(); RunNetSim(); }
                }
                var row = new ScaleRow(topology, n, count, warm[0].Frames, ns3[0].GetProperty("frames").GetInt64(),
                    ChildProcesses.Median(cold.Select(r => r.ParseSeconds + r.SetupSeconds)), ChildProcesses.Median(cold.Select(r => r.RunSeconds)),
                    ChildProcesses.Median(warm.Select(r => r.ParseSeconds + r.SetupSeconds)), ChildProcesses.Median(warm.Select(r => r.RunSeconds)),
                    ChildProcesses.Median(warm.Select(r => r.RunCpuSeconds)), ChildProcesses.Median(warm.Select(r => r.PeakRssKib / 1024.0)),
                    ChildProcesses.Median(ns3.Select(j => j.GetProperty("setup_seconds").GetDouble())), ChildProcesses.Median(ns3.Select(j => j.GetProperty("run_seconds").GetDouble())),
                    ChildProcesses.Median(ns3.Select(j => j.GetProperty("run_cpu_seconds").GetDouble())),
                    ChildProcesses.Median(ns3.Select(j => j.GetProperty("peak_rss_kib").GetInt64() / 1024.0)));
                if (row.NetSimFrames != row.Ns3Frames || row.NetSimFrames != scenario.ExpectedFrames)
                    log($"  WARNING {topology} {n}: frames differ: NetSim {row.NetSimFrames}, ns-3 {row.Ns3Frames}, expected {scenario.ExpectedFrames}");
                rows.Add(row);
            }
        return rows;
    }

    /// <summary>The table as Markdown (what bench/README.md and the README show).</summary>
    public static IEnumerable<string> Table(IEnumerable<ScaleRow> rows)
    {
        yield return "| topology | N | frames (NetSim = ns-3) | NetSim set-up s cold / warm | ns-3 set-up s | NetSim run s cold / warm (CPU warm) | ns-3 run s (CPU) | NetSim frames/s warm | ns-3 frames/s | ns-3 / NetSim warm run time, wall (CPU) | peak RSS MiB NetSim / ns-3 |";
        yield return "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
        var ic = CultureInfo.InvariantCulture;
        foreach (var r in rows)
            yield return string.Format(ic, "| {0} | {1:N0} | {2:N0}{3} | {4:0.000} / {5:0.000} | {6:0.000} | {7:0.000} / {8:0.000} ({15:0.000}) | {9:0.000} ({16:0.000}) | {10:N0} | {11:N0} | {12:0.00}x ({17:0.00}x) | {13:N0} / {14:N0} |",
                r.Topology, r.N, r.NetSimFrames, r.NetSimFrames == r.Ns3Frames ? "" : $" (ns-3 {r.Ns3Frames:N0})",
                r.ColdSetup, r.WarmSetup, r.Ns3Setup, r.ColdRun, r.WarmRun, r.Ns3Run,
                r.WarmFramesPerSecond, r.Ns3FramesPerSecond, r.WarmRun > 0 ? r.Ns3Run / r.WarmRun : 0, r.NetSimRssMib, r.Ns3RssMib,
                r.WarmRunCpu, r.Ns3RunCpu, r.WarmRunCpu > 0 ? r.Ns3RunCpu / r.WarmRunCpu : 0);
    }

    /// <summary>bench/ns3/out/scale, built by bench/ns3/build.sh if it is missing or older than its source.</summary>
    public static string Ns3Program()
    {
        var dir = new DirectoryInfo(Environment.CurrentDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "bench", "ns3", "scale.cc"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("bench/ns3/scale.cc not found: run from inside the NetSim repository");
        var ns3 = Path.Combine(dir.FullName, "bench", "ns3");
        var program = Path.Combine(ns3, "out", "scale");
        if (!File.Exists(program) || File.GetLastWriteTimeUtc(program) < File.GetLastWriteTimeUtc(Path.Combine(ns3, "scale.cc")))
            _ = ChildProcesses.Run(Path.Combine(ns3, "build.sh"), ["scale"]);
        return program;
    }
}
