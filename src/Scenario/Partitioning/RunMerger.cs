using NetSim.Scenario.Output;
using NetSim.Scenario.Reports;
using NetSim.Scenario.Running;

namespace NetSim.Scenario.Partitioning;

/// <summary>
/// Builds the one report of a run from its partitions' parts and writes report.json, counters.csv and the pcaps.
/// A run in one process goes through here too (one part), so a partitioned run cannot drift from it: NICs and hosts
/// in file order, each from the part that simulated it; a link's directions summed over its halves; a flow's sides
/// added up; expectations evaluated on the merged figures.
/// </summary>
internal static class RunMerger
{
    /// <param name="scenario">The scenario that ran.</param>
    /// <param name="parts">One part per partition; null for a partition whose part never arrived (the report is then partial).</param>
    /// <param name="options">Where to write.</param>
    /// <param name="failure">Why the run ended early, when it did; marks the report partial.</param>
    /// <param name="local">The one-process run's own files, bridges and phase times; null for a partitioned run.</param>
    public static RunResult Merge(Scenario scenario, IReadOnlyList<PartitionPart?> parts, RunOptions options, string? failure, LocalRun? local)
    {
        var present = parts.OfType<PartitionPart>().ToList();
        var nics = present.SelectMany(p => p.Nics).ToDictionary(n => $"{n.Host}.{n.Nic}", StringComparer.Ordinal);
        var nicReports = scenario.Hosts.SelectMany(h => h.Nics.Select(n => $"{h.Name}.{n.Name}"))
            .Select(nics.GetValueOrDefault).OfType<NicCounters>().ToList();
        var hosts = present.SelectMany(p => p.Hosts).ToDictionary(h => h.Host, StringComparer.Ordinal);
        var hostReports = scenario.Hosts.Select(h => hosts.GetValueOrDefault(h.Name)).OfType<HostStackCounters>().ToList();
        var linkReports = Wires(scenario.Links.Select(l => l.Name), present.SelectMany(p => p.Links));
        var switchReports = Wires(scenario.Switches.Select(s => s.Name), present.SelectMany(p => p.Switches));

        // Flows in the one-process order: pings, then UDP flows, then tcp flows, each in script order.
        // A flow's sides by its name, in part order (a look-up, not a scan of every part's flows per flow: a million
        // flows would be 10^12 comparisons).
        var flowParts = present.SelectMany(p => p.Flows).ToLookup(f => f.Name, StringComparer.Ordinal);
        var tcpParts = present.SelectMany(p => p.TcpFlows).ToLookup(t => t.Name, StringComparer.Ordinal);
        var flowReports = new List<FlowReport>();
        foreach (var (name, kind) in scenario.Script.OfType<PingStep>().Select(p => (p.Name, "ping"))
                     .Concat(scenario.Script.OfType<UdpStep>().Select(u => (u.Name, "udp"))))
        {
            var stats = new FlowStats(name, kind);
            foreach (var f in flowParts[name]) stats.Absorb(f);
            flowReports.Add(stats.ToReport());
        }
        foreach (var step in scenario.Script.OfType<TcpStep>())
        {
            var stats = new TcpFlowStats(step.Name);
            NetSim.Protocol.Stack.TcpInfoReply? info = null;
            foreach (var t in tcpParts[step.Name]) info = stats.Absorb(t) ?? info;
            flowReports.Add(stats.ToReport(info, scenario.Duration));
        }
        var expectations = ExpectationEvaluator.Evaluate(scenario.Script.OfType<ExpectStep>(), flowReports, nicReports, hostReports);

        var reached = present.Count == 0 ? TimeSpan.Zero : present.Min(p => p.Reached);
        var interrupted = failure is not null || present.Count < parts.Count || present.Any(p => p.Interrupted);
        var report = new RunReport(Path.GetFileName(scenario.SourcePath), scenario.Seed, scenario.TimeMode, scenario.Duration,
            nicReports, flowReports, hostReports, expectations, linkReports, switchReports)
        {
            Interrupted = interrupted,
            Reached = reached,
            Bridges = local?.Bridges ?? [],
            Failure = failure,
        };

        var files = new List<string>();
        if (options.OutputDirectory is not null)
        {
            Directory.CreateDirectory(options.OutputDirectory);
            var reportPath = Path.Combine(options.OutputDirectory, "report.json");
            var csvPath = Path.Combine(options.OutputDirectory, "counters.csv");
            ReportWriter.Write(report, reportPath);
            CountersCsvWriter.Write(report, csvPath);
            files.AddRange([reportPath, csvPath]);
            if (local is not null) files.AddRange(local.Files);
            else if (present.Count == parts.Count && present.All(p => p.Series is not null) && present.Count > 0)
                files.AddRange(TimeSeriesReplay.Write(Path.Combine(options.OutputDirectory, "timeseries.csv"), scenario, [.. present.Select(p => p.Series!)]));
            var captures = present.SelectMany(p => p.Captures).ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var c in scenario.Capture)
            {
                if (!captures.TryGetValue($"{c.Host}.{c.Nic}.pcap", out var capture)) continue;
                var path = Path.Combine(options.OutputDirectory, capture.Name);
                File.WriteAllBytes(path, capture.Bytes);
                files.Add(path);
            }
        }
        return new RunResult(report, files) { Phases = local?.Phases ?? default, Partitions = local is null ? [.. present.Select(p => p.Stats)] : [] };
    }

    /// <summary>Per link or switch in file order, each direction's counters added over the parts that had it.</summary>
    private static List<WiresReport> Wires(IEnumerable<string> names, IEnumerable<WiresReport> halves)
    {
        var byName = halves.GroupBy(w => w.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var merged = new List<WiresReport>();
        foreach (var name in names)
        {
            if (!byName.TryGetValue(name, out var parts)) continue;
            if (parts.Count == 1) { merged.Add(parts[0]); continue; }
            var wires = parts[0].Wires.Select((w, i) =>
            {
                var dropped = new SortedDictionary<string, long>(StringComparer.Ordinal);
                long offered = 0, delivered = 0, inFlight = 0;
                foreach (var p in parts)
                {
                    var d = p.Wires[i];
                    offered += d.Offered;
                    delivered += d.Delivered;
                    inFlight += d.InFlight;
                    foreach (var (reason, n) in d.Dropped) dropped[reason] = dropped.GetValueOrDefault(reason) + n;
                }
                return new WireReport(w.From, w.To, offered, delivered, dropped.Count == 0 ? ReportMaps.Empty : dropped, inFlight);
            }).ToList();
            merged.Add(new WiresReport(name, wires));
        }
        return merged;
    }
}
