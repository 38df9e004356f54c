using System.Globalization;
using System.Text;
using NetSim.Experiments.Plots;
using NetSim.Experiments.Reports;
using NetSim.Experiments.RunFiles;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// The results of a sweep, from its runs' folders: sweep.csv (one row per run: index, cell, status, exit code,
/// seed, the varied keys, then every metric of report.json), sweep-summary.csv (per cell and metric: n, mean,
/// standard deviation and the 95% Student-t interval over seeds) and sweep.html (chosen metrics against each varied
/// key, mean with error bars, and the failed runs).
/// </summary>
public static class SweepReport
{
    /// <summary>Metrics plotted when none is chosen: each flow's goodput, delivery ratio and mean RTT.</summary>
    public static readonly string[] DefaultMetrics = ["flows.*.goodput", "flows.*.deliveryRatio", "flows.*.rttMs.mean"];

    public sealed record Files(string SweepCsv, string SummaryCsv, string Html);

    public static Files Write(SweepPlan plan, string scenarioName, IReadOnlyList<SweepRunResult> results, IReadOnlyList<string> metricPatterns)
    {
        Directory.CreateDirectory(plan.OutputFolder);
        var metrics = results.ToDictionary(r => r.Run.Index, r => r.Status is RunStatus.Ok or RunStatus.ExpectationFailed && File.Exists(Path.Combine(r.Run.Folder, "report.json"))
            ? MetricSet.Of(RunFolder.Open(r.Run.Folder))
            : new SortedDictionary<string, double>(StringComparer.Ordinal));
        var names = metrics.Values.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal).ToList();

        var csv = new StringBuilder();
        csv.AppendJoin(',', new[] { "run", "cell", "status", "exit_code", "seed" }.Concat(plan.Parameters.Select(p => p.Key)).Concat(names).Select(Field)).Append('\n');
        foreach (var r in results.OrderBy(r => r.Run.Index))
        {
            var m = metrics[r.Run.Index];
            csv.AppendJoin(',', new[] { I(r.Run.Index), I(r.Run.Cell.Index), Status(r.Status), r.ExitCode is { } c ? I(c) : "", I(r.Run.Seed) }
                .Concat(r.Run.Cell.Values.Select(v => v.Value))
                .Concat(names.Select(n => m.TryGetValue(n, out var v) ? D(v) : ""))
                .Select(Field)).Append('\n');
        }
        var sweepCsv = Path.Combine(plan.OutputFolder, "sweep.csv");
        File.WriteAllText(sweepCsv, csv.ToString(), new UTF8Encoding(false));

        var summaries = new List<(SweepCell Cell, string Metric, Summary Summary)>();
        foreach (var cell in plan.Cells)
        {
            var cellRuns = results.Where(r => r.Run.Cell == cell).Select(r => metrics[r.Run.Index]).Where(m => m.Count > 0).ToList();
            foreach (var n in names)
            {
                var values = cellRuns.Where(m => m.ContainsKey(n)).Select(m => m[n]).ToList();
                if (values.Count > 0) summaries.Add((cell, n, Statistics.Summarise(values)));
            }
        }
        var summary = new StringBuilder();
        summary.AppendJoin(',', new[] { "cell" }.Concat(plan.Parameters.Select(p => p.Key)).Concat(["metric", "n", "mean", "sd", "ci95_low", "ci95_high"]).Select(Field)).Append('\n');
        foreach (var (cell, metric, s) in summaries)
            summary.AppendJoin(',', new[] { I(cell.Index) }.Concat(cell.Values.Select(v => v.Value))
                .Concat([metric, I(s.Count), D(s.Mean), D(s.StandardDeviation), D(s.Low), D(s.High)]).Select(Field)).Append('\n');
        var summaryCsv = Path.Combine(plan.OutputFolder, "sweep-summary.csv");
        File.WriteAllText(summaryCsv, summary.ToString(), new UTF8Encoding(false));

        var chosen = MetricPattern.Select(names, (metricPatterns.Count > 0 ? metricPatterns : DefaultMetrics).Select(p => new MetricPattern(p)));
        var html = WriteHtml(plan, scenarioName, results, summaries, chosen);
        return new Files(sweepCsv, summaryCsv, html);
    }

    /// <summary>
    /// For each chosen metric and each varied key: the metric's mean (95% CI as error bars) against the key's
    /// values, one series per combination of the other keys' values. Non-numeric values are placed at 1, 2, 3...
    /// </summary>
    public static IReadOnlyList<PlotSpec> Plots(SweepPlan plan, string scenarioName, IEnumerable<(SweepCell Cell, string Metric, Summary Summary)> summaries, IReadOnlyList<string> metrics)
    {
        var specs = new List<PlotSpec>();
        var byMetric = summaries.GroupBy(s => s.Metric).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var metric in metrics)
        {
            if (!byMetric.TryGetValue(metric, out var rows)) continue;
            for (var k = 0; k < plan.Parameters.Count; k++)
            {
                var parameter = plan.Parameters[k];
                var numeric = parameter.Values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                double X(string v) => numeric ? double.Parse(v, CultureInfo.InvariantCulture) : parameter.Values.ToList().IndexOf(v) + 1;
                var series = rows.GroupBy(r => string.Join(" ", r.Cell.Values.Where((_, i) => i != k).Select(v => $"{v.Key}={v.Value}")))
                    .Select(g =>
                    {
                        var points = g.OrderBy(r => X(r.Cell.Values[k].Value)).ToList();
                        return new PlotSeries(g.Key.Length == 0 ? metric : g.Key,
                            [.. points.Select(p => X(p.Cell.Values[k].Value))],
                            [.. points.Select(p => p.Summary.Mean)],
                            [.. points.Select(p => double.IsNaN(p.Summary.HalfWidth95) ? 0 : p.Summary.HalfWidth95)]);
                    }).ToList();
                var xLabel = numeric ? parameter.Key : $"{parameter.Key} ({string.Join(", ", parameter.Values.Select((v, i) => $"{i + 1}={v}"))})";
                specs.Add(new PlotSpec($"{Safe(metric)}-vs-{Safe(parameter.Key)}", $"{scenarioName}: {metric} (mean, 95% CI over seeds)",
                    xLabel, $"{metric} ({UnitOf(metric)})", series));
            }
        }
        return specs;
    }

    private static string WriteHtml(SweepPlan plan, string scenarioName, IReadOnlyList<SweepRunResult> results,
        List<(SweepCell Cell, string Metric, Summary Summary)> summaries, IReadOnlyList<string> metrics)
    {
        var drawn = PlotRenderer.DrawAll(Plots(plan, scenarioName, summaries, metrics), Path.Combine(plan.OutputFolder, "plots"));
        int Count(RunStatus s) => results.Count(r => r.Status == s);
        var page = new HtmlPage($"NetSim sweep: {scenarioName}")
            .Heading(1, $"NetSim sweep: {scenarioName}")
            .Paragraph(HtmlPage.Encode($"{plan.Cells.Count} cells x {plan.Seeds.Count} seeds = {plan.Runs.Count} runs: {Count(RunStatus.Ok)} ok, "
                + $"{Count(RunStatus.ExpectationFailed)} with a failed expectation, {Count(RunStatus.Failed)} failed, {Count(RunStatus.Cancelled)} cancelled. "
                + $"Varied: {string.Join("; ", plan.Parameters.Select(p => $"{p.Key} = {string.Join(", ", p.Values)}"))}. Seeds: {string.Join(", ", plan.Seeds)}."));
        page.Heading(2, "Means with 95% confidence intervals").Table(
            [.. plan.Parameters.Select(p => p.Key), .. metrics],
            plan.Cells.Select(cell => (IReadOnlyList<(string, string?)>)
            [
                .. cell.Values.Select(v => (v.Value, (string?)"text")),
                .. metrics.Select(m => summaries.FirstOrDefault(s => s.Cell == cell && s.Metric == m) is { Cell: not null } s
                    ? (Format(s.Summary), (string?)null)
                    : ("-", null)),
            ]));
        var failed = results.Where(r => r.Status is RunStatus.Failed or RunStatus.Cancelled).ToList();
        page.Heading(2, "Runs that did not finish").Table(["run", "cell", "seed", "status", "reason"],
            failed.Select(r => (IReadOnlyList<(string, string?)>)
            [
                (Path.GetRelativePath(plan.OutputFolder, r.Run.Folder), "text"), (r.Run.Cell.Label, "text"), (I(r.Run.Seed), null), (Status(r.Status), "fail"), (r.Problem ?? "", "text"),
            ]));
        page.Heading(2, "Plots");
        foreach (var p in drawn) page.Plot(p, plan.OutputFolder);
        var path = Path.Combine(plan.OutputFolder, "sweep.html");
        page.Write(path);
        return path;
    }

    private static string Format(Summary s) =>
        double.IsNaN(s.HalfWidth95) ? G(s.Mean) : $"{G(s.Mean)} ± {G(s.HalfWidth95)}";

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string UnitOf(string metric) =>
        metric.EndsWith("goodput", StringComparison.Ordinal) ? "bit/s"
        : metric.Contains("rttMs", StringComparison.Ordinal) ? "ms"
        : metric.EndsWith("Ratio", StringComparison.Ordinal) ? "fraction"
        : metric.EndsWith("Bytes", StringComparison.Ordinal) ? "bytes"
        : "count";

    private static string Safe(string s) => System.Text.RegularExpressions.Regex.Replace(s, "[^A-Za-z0-9.=-]", "-");

    public static string Status(RunStatus s) => s switch
    {
        RunStatus.Ok => "ok",
        RunStatus.ExpectationFailed => "expectation-failed",
        RunStatus.Failed => "failed",
        _ => "cancelled",
    };

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).</summary>
    public static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
