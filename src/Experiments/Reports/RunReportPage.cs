using System.Globalization;
using System.Text.Json;
using NetSim.Experiments.Plots;
using NetSim.Experiments.RunFiles;

namespace NetSim.Experiments.Reports;

/// <summary>
/// report.html of a run and its plots (plots/NAME.png and .svg), drawn from the run's files only: what
/// <c>netsim run</c> does after a run and <c>netsim plot DIR</c> does again later.
/// </summary>
public static class RunReportPage
{
    /// <summary>Draws the plots and writes report.html in the run's folder; returns the files written.</summary>
    public static IReadOnlyList<string> Write(RunFolder run)
    {
        var plotsFolder = Path.Combine(run.Path, "plots");
        var drawn = PlotRenderer.DrawAll(RunPlots.For(run), plotsFolder);
        var root = run.Report.RootElement;
        var page = new HtmlPage($"NetSim: {run.Scenario} (seed {run.Seed})")
            .Heading(1, $"NetSim run: {run.Scenario}")
            .Paragraph($"seed {run.Seed} | {HtmlPage.Encode(root.GetProperty("timeMode").GetString() ?? "")} time | "
                + $"{run.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s simulated | "
                + (run.Passed ? "<strong class=\"passed\">all expectations held</strong>" : "<strong class=\"failed\">an expectation failed</strong>"));

        page.Heading(2, "NICs").Table(
            ["nic", "rx packets", "rx bytes", "rx dropped", "rx errors", "tx packets", "tx bytes", "tx dropped", "tx errors", "drop reasons"],
            root.GetProperty("nics").EnumerateArray().Select(n => (IReadOnlyList<(string, string?)>)
            [
                Text($"{S(n, "host")}.{S(n, "nic")}"), N(n, "rxPackets"), N(n, "rxBytes"), N(n, "rxDropped"), N(n, "rxErrors"),
                N(n, "txPackets"), N(n, "txBytes"), N(n, "txDropped"), N(n, "txErrors"),
                Text(string.Join(", ", n.GetProperty("dropReasons").EnumerateObject().Select(r => $"{r.Name} {r.Value}"))),
            ]));

        page.Heading(2, "Wires").Table(
            ["link / switch", "from", "to", "offered", "delivered", "dropped", "in flight", "drop reasons"],
            new[] { ("links", "directions"), ("switches", "ports") }
                .Where(k => root.TryGetProperty(k.Item1, out var v) && v.ValueKind == JsonValueKind.Array)
                .SelectMany(k => root.GetProperty(k.Item1).EnumerateArray().SelectMany(owner => owner.GetProperty(k.Item2).EnumerateArray()
                    .Select(d => (IReadOnlyList<(string, string?)>)
                    [
                        Text(S(owner, "name")), Text(S(d, "from")), Text(S(d, "to")), N(d, "offered"), N(d, "delivered"),
                        (d.GetProperty("dropped").EnumerateObject().Sum(r => r.Value.GetInt64()).ToString(CultureInfo.InvariantCulture), null),
                        N(d, "inFlight"),
                        Text(string.Join(", ", d.GetProperty("dropped").EnumerateObject().Select(r => $"{r.Name} {r.Value}"))),
                    ]))));

        page.Heading(2, "Flows").Table(
            ["flow", "kind", "sent", "received", "lost", "duplicated", "reordered", "goodput (bit/s)", "RTT min / mean / p99 / max (ms)"],
            root.GetProperty("flows").EnumerateArray().Select(f => (IReadOnlyList<(string, string?)>)
            [
                Text(S(f, "name")), Text(S(f, "kind")), N(f, "sent"), N(f, "received"), N(f, "lost"), N(f, "duplicated"), N(f, "reordered"),
                N(f, "goodput"),
                (f.GetProperty("rttMs") is { ValueKind: JsonValueKind.Object } r
                    ? string.Join(" / ", new[] { "min", "mean", "p99", "max" }.Select(k => r.GetProperty(k).GetDouble().ToString("0.###", CultureInfo.InvariantCulture)))
                    : "-", null),
            ]));

        page.Heading(2, "Expectations").Table(
            ["expectation", "subject", "condition", "observed", "verdict"],
            root.GetProperty("expectations").EnumerateArray().Select(e => (IReadOnlyList<(string, string?)>)
            [
                Text(S(e, "name")), Text(S(e, "subject")), Text(S(e, "condition")), N(e, "observed"), (S(e, "verdict"), S(e, "verdict")),
            ]));

        page.Heading(2, "Plots");
        if (drawn.Count == 0) page.Paragraph("No time series in this run (report.interval = 0).");
        foreach (var p in drawn) page.Plot(p, run.Path);
        var html = Path.Combine(run.Path, "report.html");
        page.Write(html);
        return [html, .. drawn.SelectMany(d => new[] { d.PngPath, d.SvgPath })];
    }

    private static (string, string?) Text(string s) => (s, "text");

    private static string S(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static (string, string?) N(JsonElement e, string key) =>
        (e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.###", CultureInfo.InvariantCulture) : "-", null);
}
