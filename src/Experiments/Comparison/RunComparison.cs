using System.Globalization;
using NetSim.Experiments.RunFiles;

namespace NetSim.Experiments.Comparison;

/// <summary>One metric in two results: its values (null where it is absent) and the change from A to B.</summary>
public sealed record MetricChange(string Key, string Metric, double? A, double? B)
{
    public double? Absolute => A is { } a && B is { } b ? b - a : null;

    /// <summary>(B - A) / |A| in percent; infinite when A is 0 and B is not, 0 when both are 0.</summary>
    public double? RelativePercent => A is { } a && B is { } b
        ? a == b ? 0 : a == 0 ? (b > 0 ? double.PositiveInfinity : double.NegativeInfinity) : (b - a) / Math.Abs(a) * 100
        : null;

    public bool Differs => A != B;
}

/// <summary>
/// Compares two runs (folders with report.json) or two sweeps (folders with sweep-summary.csv): every metric, by
/// name. For sweeps a metric is the mean of a cell and is keyed <c>CELL: METRIC</c>, the cell being its varied keys
/// and values (<c>links.l1.loss=0.01: flows.f1.goodput</c>); gates match on the metric part.
/// </summary>
public static class RunComparison
{
    public static IReadOnlyList<MetricChange> Compare(string folderA, string folderB)
    {
        var a = Load(folderA);
        var b = Load(folderB);
        return [.. a.Keys.Union(b.Keys).Order(StringComparer.Ordinal).Select(k =>
        {
            var metric = (a.TryGetValue(k, out var x) ? x.Metric : b[k].Metric);
            return new MetricChange(k, metric, a.TryGetValue(k, out var va) ? va.Value : null, b.TryGetValue(k, out var vb) ? vb.Value : null);
        })];
    }

    /// <summary>The metrics of a run or a sweep folder; throws <see cref="RunFolderException"/> when it is neither.</summary>
    public static Dictionary<string, (string Metric, double Value)> Load(string folder)
    {
        if (File.Exists(Path.Combine(folder, "report.json")))
            return MetricSet.Of(RunFolder.Open(folder)).ToDictionary(kv => kv.Key, kv => (kv.Key, kv.Value), StringComparer.Ordinal);
        var summary = Path.Combine(folder, "sweep-summary.csv");
        if (!File.Exists(summary)) throw new RunFolderException($"{folder}: neither a run (report.json) nor a sweep (sweep-summary.csv)");
        var lines = File.ReadAllLines(summary);
        var header = lines[0].Split(',');
        var metricAt = Array.IndexOf(header, "metric");
        var meanAt = Array.IndexOf(header, "mean");
        if (metricAt < 1 || meanAt < 0) throw new RunFolderException($"{summary}: not a sweep summary (no metric and mean columns)");
        var result = new Dictionary<string, (string, double)>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var p = SplitCsv(line);
            if (p.Count != header.Length || !double.TryParse(p[meanAt], NumberStyles.Float, CultureInfo.InvariantCulture, out var mean)) continue;
            var cell = string.Join(" ", Enumerable.Range(1, metricAt - 1).Select(i => $"{header[i]}={p[i]}"));
            result[cell.Length == 0 ? p[metricAt] : $"{cell}: {p[metricAt]}"] = (p[metricAt], mean);
        }
        return result;
    }

    /// <summary>Splits an RFC 4180 line (quoted fields may hold commas and doubled quotes).</summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
