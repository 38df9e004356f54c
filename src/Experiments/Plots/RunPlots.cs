using NetSim.Experiments.RunFiles;

namespace NetSim.Experiments.Plots;

/// <summary>
/// The plots of one run, from its files: throughput per flow, RTT over time and its CDF (ping flows), queue depth
/// per NIC and link, drops per interval, and cwnd per TCP flow when the time series has one. A plot with nothing
/// to show (no ping flow: no RTT plots) is left out.
/// </summary>
public static class RunPlots
{
    public static IReadOnlyList<PlotSpec> For(RunFolder run)
    {
        var series = run.ReadTimeSeries();
        var what = $"{run.Scenario}, seed {run.Seed}";
        var plots = new List<PlotSpec>();
        if (series.IsEmpty) return plots;

        var flows = series.SubjectsOf("flows").ToList();
        var throughput = flows.Select(f => Line(Name(f), series.Get(f, "throughput_bps"))).ToList();
        var (scale, unit) = BitRateUnit(throughput.SelectMany(s => s.Ys).DefaultIfEmpty(0).Max());
        plots.Add(new PlotSpec("throughput", $"{what}: throughput per flow", "time (s)", $"throughput ({unit})",
            [.. throughput.Select(s => s with { Ys = [.. s.Ys.Select(v => v / scale)] })], Steps: true));

        var rtt = run.ReadRttSamples();
        if (rtt.Count > 0)
        {
            plots.Add(new PlotSpec("rtt", $"{what}: round-trip time", "time (s)", "RTT (ms)",
                [.. rtt.Select(kv => new PlotSeries(kv.Key, [.. kv.Value.Select(p => p.TimeS)], [.. kv.Value.Select(p => p.RttMs)]))]));
            plots.Add(new PlotSpec("rtt-cdf", $"{what}: RTT distribution (CDF)", "RTT (ms)", "samples at or below (fraction, 0..1)",
                [.. rtt.Select(kv => Cdf(kv.Key, kv.Value.Select(p => p.RttMs)))], Steps: true));
        }

        var nics = series.SubjectsOf("nics").ToList();
        // Per direction of each link and switch port where the series has them (links.l1.a.eth0>b.eth0), else per link.
        var wires = series.SubjectsOf("links").Concat(series.SubjectsOf("switches")).ToList();
        var links = wires.Any(w => w.Contains('>')) ? wires.Where(w => w.Contains('>')).ToList() : wires;
        plots.Add(new PlotSpec("queue", $"{what}: queue depth", "time (s)", "queue depth (frames)",
            [.. nics.Select(n => Line(Name(n) + " queue", series.Get(n, "queue"))),
             .. links.Select(l => Line(Name(l) + " in flight", series.Get(l, "in_flight")))], Steps: true));
        plots.Add(new PlotSpec("drops", $"{what}: drops per interval", "time (s)", "drops (frames per interval)",
            [.. nics.Select(n => Sum(Name(n), series.Get(n, "tx_dropped"), series.Get(n, "rx_dropped"))),
             .. links.Select(l => Line(Name(l), series.Get(l, "dropped")))], Steps: true));

        var tcp = flows.Where(f => series.Get(f, "cwnd") is not null).ToList();
        if (tcp.Count > 0)
            plots.Add(new PlotSpec("cwnd", $"{what}: congestion window", "time (s)", "cwnd (bytes)",
                [.. tcp.Select(f => Line(Name(f), series.Get(f, "cwnd")))], Steps: true));
        return plots;
    }

    /// <summary>The subject without its kind: <c>flows.f1</c> is shown as <c>f1</c>, <c>links.l1.a.eth0&gt;b.eth0</c> as <c>l1 a.eth0&gt;b.eth0</c>.</summary>
    private static string Name(string subject)
    {
        var name = subject[(subject.IndexOf('.') + 1)..];
        var dot = name.IndexOf('.');
        return name.Contains('>') && dot > 0 ? name[..dot] + " " + name[(dot + 1)..] : name;
    }

    private static PlotSeries Line(string label, IReadOnlyList<(double T, double V)>? points) =>
        new(label, [.. (points ?? []).Select(p => p.T)], [.. (points ?? []).Select(p => p.V)]);

    private static PlotSeries Sum(string label, IReadOnlyList<(double T, double V)>? a, IReadOnlyList<(double T, double V)>? b)
    {
        var line = Line(label, a);
        if (b is not null && b.Count == line.Ys.Length) for (var i = 0; i < b.Count; i++) line.Ys[i] += b[i].V;
        return line;
    }

    private static PlotSeries Cdf(string label, IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return new PlotSeries(label, sorted, [.. sorted.Select((_, i) => (i + 1) / (double)sorted.Length)]);
    }

    /// <summary>A unit that keeps the largest value between 1 and 1000.</summary>
    public static (double Scale, string Unit) BitRateUnit(double max) =>
        max >= 1e9 ? (1e9, "Gbit/s") : max >= 1e6 ? (1e6, "Mbit/s") : max >= 1e3 ? (1e3, "kbit/s") : (1, "bit/s");
}
