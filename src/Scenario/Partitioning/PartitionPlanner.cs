using System.Collections.Immutable;

namespace NetSim.Scenario.Partitioning;

/// <summary>
/// Splits a scenario over N partitions (docs/design.md, "Partitioned runs"). Hosts that must share a partition form a
/// unit: a switch and every host it joins, and the two ends of a link whose delay is or can become zero (its own or a
/// link-set's), since a frame that crosses partitions needs time to cross. Units placed by the file
/// (<c>hosts.NAME.node</c>) go where it says; the others are taken in breadth-first order over the links from the
/// first unit of the file (so neighbours come one after another) and fill the partitions in turn up to an equal share
/// of the hosts. The window (lookahead) is the smallest delay any cut link has at any time of the run.
/// Deterministic: the same scenario and N give the same plan in every process.
/// </summary>
public static class PartitionPlanner
{
    /// <summary>The plan of a run in one process: everything in partition 0, nothing cut.</summary>
    public static PartitionPlan Single(Scenario scenario) => new(1,
        scenario.Hosts.ToDictionary(h => h.Name, _ => 0, StringComparer.Ordinal),
        scenario.Switches.ToDictionary(s => s.Name, _ => 0, StringComparer.Ordinal),
        [], TimeSpan.MaxValue);

    /// <summary>Splits <paramref name="scenario"/> into <paramref name="partitions"/> parts, or says why it cannot.</summary>
    public static PartitionPlanResult Plan(Scenario scenario, int partitions)
    {
        var errors = ImmutableArray.CreateBuilder<ScenarioError>();
        if (partitions < 1)
            return new(null, [new ScenarioError(scenario.SourcePath, 0, "", $"a run needs at least one partition (got {partitions})")]);
        if (partitions > 1)
        {
            if (!scenario.Bridges.IsEmpty)
                errors.Add(scenario.ErrorAt("bridges." + scenario.Bridges[0].Name, "a run with bridges to kernel devices runs in one process (the devices are on this machine); drop --partitions/--nodes"));
            // The default interval is skipped quietly (a partitioned run writes no timeseries.csv); one the file asks for is refused.
            if (scenario.Report.Interval > TimeSpan.Zero && scenario.TimeSeriesAsked)
                errors.Add(scenario.ErrorAt("report.interval", "time series (report.interval) are not gathered across partitions yet; set it to 0 or run in one process"));
        }
        foreach (var (host, node) in scenario.HostNodes.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (node > partitions)
                errors.Add(scenario.ErrorAt($"hosts.{host}.node", $"node {node}, but the run has {partitions} node{(partitions == 1 ? "" : "s")} (1..{partitions})"));
        if (errors.Count > 0) return new(null, errors.ToImmutable());
        if (partitions == 1) return new(Single(scenario), []);

        // Units: union-find over host indices, glued by switches and by links that can have zero delay.
        var index = scenario.Hosts.Select((h, i) => (h.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var parent = Enumerable.Range(0, scenario.Hosts.Length).ToArray();
        var fixedNode = new int?[scenario.Hosts.Length]; // per root: the node the file asked for (0-based)
        for (var i = 0; i < scenario.Hosts.Length; i++)
            if (scenario.HostNodes.TryGetValue(scenario.Hosts[i].Name, out var n)) fixedNode[i] = n - 1;
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        bool Join(int x, int y, string key, string what)
        {
            var (rx, ry) = (Find(x), Find(y));
            if (rx == ry) return true;
            if (fixedNode[rx] is { } nx && fixedNode[ry] is { } ny && nx != ny)
            {
                errors.Add(scenario.ErrorAt(key, $"{what} joins hosts on nodes {Math.Min(nx, ny) + 1} and {Math.Max(nx, ny) + 1}; its hosts must be on one node (give the link a delay, or place them together)"));
                return false;
            }
            parent[ry] = rx;
            fixedNode[rx] ??= fixedNode[ry];
            return true;
        }

        var minDelay = MinimumDelays(scenario);
        foreach (var s in scenario.Switches)
            for (var p = 1; p < s.Ports.Length; p++)
                Join(index[s.Ports[0].Host], index[s.Ports[p].Host], "switches." + s.Name, $"switch {s.Name}");
        foreach (var l in scenario.Links)
            if (minDelay[l.Name] <= TimeSpan.Zero)
                Join(index[l.A.Host], index[l.B.Host], "links." + l.Name, $"link {l.Name} has zero delay{(l.Properties.Delay > TimeSpan.Zero ? " (after a link-set)" : "")} but");
        if (errors.Count > 0) return new(null, errors.ToImmutable());

        // Units in file order (of their first host), with their sizes and neighbours over links.
        var units = new List<int>();
        var size = new Dictionary<int, int>();
        for (var i = 0; i < scenario.Hosts.Length; i++)
        {
            var r = Find(i);
            if (!size.ContainsKey(r)) { units.Add(r); size[r] = 0; }
            size[r]++;
        }
        var neighbours = units.ToDictionary(u => u, _ => new List<int>());
        foreach (var l in scenario.Links)
        {
            var (ra, rb) = (Find(index[l.A.Host]), Find(index[l.B.Host]));
            if (ra == rb) continue;
            neighbours[ra].Add(rb);
            neighbours[rb].Add(ra);
        }

        // Placed units first, then the others breadth-first from the first unit of the file, filling each partition
        // up to its share of the hosts before the next.
        var partitionOf = new Dictionary<int, int>();
        var load = new int[partitions];
        foreach (var u in units)
            if (fixedNode[u] is { } node) { partitionOf[u] = node; load[node] += size[u]; }
        var share = new int[partitions];
        for (var p = 0; p < partitions; p++) share[p] = scenario.Hosts.Length / partitions + (p < scenario.Hosts.Length % partitions ? 1 : 0);
        var current = 0;
        var seen = new HashSet<int>();
        foreach (var start in units)
        {
            if (!seen.Add(start)) continue;
            var queue = new Queue<int>([start]);
            while (queue.TryDequeue(out var u))
            {
                foreach (var v in neighbours[u])
                    if (seen.Add(v)) queue.Enqueue(v);
                if (partitionOf.ContainsKey(u)) continue;
                while (current < partitions && load[current] > 0 && load[current] + size[u] > share[current]) current++;
                var target = current < partitions ? current : Array.IndexOf(load, load.Min());
                partitionOf[u] = target;
                load[target] += size[u];
            }
        }

        var hostPartition = scenario.Hosts.ToDictionary(h => h.Name, h => partitionOf[Find(index[h.Name])], StringComparer.Ordinal);
        var switchPartition = scenario.Switches.ToDictionary(s => s.Name, s => hostPartition[s.Ports[0].Host], StringComparer.Ordinal);
        var cut = scenario.Links.Where(l => hostPartition[l.A.Host] != hostPartition[l.B.Host]).Select(l => l.Name).ToList();
        var lookahead = cut.Count == 0 ? TimeSpan.MaxValue : cut.Min(l => minDelay[l]);
        return new(new PartitionPlan(partitions, hostPartition, switchPartition, cut, lookahead), []);
    }

    /// <summary>Each link's smallest delay over the run: its own, and every link-set's on it.</summary>
    private static Dictionary<string, TimeSpan> MinimumDelays(Scenario scenario)
    {
        var min = scenario.Links.ToDictionary(l => l.Name, l => l.Properties.Delay, StringComparer.Ordinal);
        foreach (var s in scenario.Script.OfType<LinkSetStep>())
            if (s.Delay is { } d && min.TryGetValue(s.Link, out var m) && d < m) min[s.Link] = d;
        return min;
    }
}
