using System.Text.Json;

namespace NetSim.Experiments.RunFiles;

/// <summary>
/// Every number of a report.json under a dotted name: <c>flows.NAME.goodput</c>, <c>flows.NAME.rttMs.mean</c>,
/// <c>nics.HOST.NIC.txDropped</c>, <c>nics.HOST.NIC.dropReasons.queue-full</c>, <c>hosts.HOST.forwarded</c>,
/// <c>expectations.NAME.METRIC</c> (observed) and <c>expectations.NAME.METRIC.pass</c> (1 or 0). List entries are named
/// by their identifying fields (host, nic, name), so a field another part of NetSim adds to the report (a link's
/// direction counters, a TCP flow's retransmissions) becomes a metric without a change here. Flows also get
/// <c>deliveryRatio</c> (received / sent). Sweeps and comparisons work on these names.
/// </summary>
public static class MetricSet
{
    public static SortedDictionary<string, double> Of(RunFolder run) => Of(run.Report.RootElement);

    public static SortedDictionary<string, double> Of(JsonElement report)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in report.EnumerateObject())
        {
            if (p.Name == "expectations") AddExpectations(p.Value, metrics);
            else if (p.Name is "seed" or "durationMs" or "passed" or "scenario" or "timeMode") continue; // identity, not a result
            else Flatten(p.Value, p.Name, metrics);
        }
        if (report.TryGetProperty("passed", out var passed)) metrics["passed"] = passed.GetBoolean() ? 1 : 0;
        foreach (var key in metrics.Keys.Where(k => k.StartsWith("flows.", StringComparison.Ordinal) && k.EndsWith(".sent", StringComparison.Ordinal)).ToList())
        {
            var flow = key[..^".sent".Length];
            if (metrics[key] > 0 && metrics.TryGetValue(flow + ".received", out var received)) metrics[flow + ".deliveryRatio"] = received / metrics[key];
        }
        return metrics;
    }

    private static void Flatten(JsonElement e, string prefix, IDictionary<string, double> metrics)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                metrics[prefix] = e.GetDouble();
                break;
            case JsonValueKind.True or JsonValueKind.False:
                metrics[prefix] = e.GetBoolean() ? 1 : 0;
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix + "." + p.Name, metrics);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Flatten(item, prefix + "." + (IdOf(item) ?? (i++).ToString(System.Globalization.CultureInfo.InvariantCulture)), metrics);
                break;
        }
    }

    /// <summary>The identifying fields of a list entry joined by dots (host.nic, name, from.to), or null.</summary>
    private static string? IdOf(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        var parts = new[] { "host", "nic", "name", "from", "to" }
            .Select(k => item.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
            .Where(v => !string.IsNullOrEmpty(v)).ToList();
        return parts.Count == 0 ? null : string.Join(".", parts);
    }

    private static void AddExpectations(JsonElement list, IDictionary<string, double> metrics)
    {
        foreach (var e in list.EnumerateArray())
        {
            var name = e.GetProperty("name").GetString();
            var metric = (e.GetProperty("condition").GetString() ?? "").Split(' ')[0];
            var key = $"expectations.{name}.{metric}";
            if (e.TryGetProperty("observed", out var o) && o.ValueKind == JsonValueKind.Number) metrics[key] = o.GetDouble();
            metrics[key + ".pass"] = e.GetProperty("verdict").GetString() == "pass" ? 1 : 0;
        }
    }
}
