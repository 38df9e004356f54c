using System.Globalization;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// Checks each expectation against the run's final figures: flow metrics (durations in milliseconds), NIC counters
/// (<c>host.nic.tx_dropped</c>, and drop reasons as <c>host.nic.drop.REASON</c>), host stack counters
/// (<c>host.COUNTER</c>, the names of report.json). A metric that was never
/// measured (an RTT of a flow with no replies) is Unmeasured, which fails the run like a broken bound.
/// </summary>
internal static class ExpectationEvaluator
{
    public static List<ExpectationResult> Evaluate(IEnumerable<ExpectStep> steps, IReadOnlyList<FlowReport> flows,
        IReadOnlyList<Reports.NicCounters> nics, IReadOnlyList<HostStackCounters> hosts)
    {
        var results = new List<ExpectationResult>();
        foreach (var step in steps)
            foreach (var condition in step.Conditions)
            {
                var (subject, observed) = step.Subject switch
                {
                    FlowSubject f => ($"flow {f.Flow}", FlowMetric(flows.FirstOrDefault(x => x.Name == f.Flow), condition.Metric)),
                    CounterSubject c => (c.Nic is null ? $"{c.Host}.{c.Counter}" : $"{c.Host}.{c.Nic}.{c.Counter}", Counter(c, nics, hosts)),
                    _ => ("?", null),
                };
                var verdict = observed is not { } v ? Verdict.Unmeasured
                    : condition.Comparison switch
                    {
                        Comparison.AtLeast => v >= condition.Bound,
                        Comparison.AtMost => v <= condition.Bound,
                        _ => Math.Abs(v - condition.Bound) < 1e-9,
                    } ? Verdict.Pass : Verdict.Fail;
                var op = condition.Comparison switch { Comparison.AtLeast => ">=", Comparison.AtMost => "<=", _ => "==" };
                results.Add(new ExpectationResult(step.Name, subject,
                    $"{condition.Metric} {op} {condition.Bound.ToString(CultureInfo.InvariantCulture)}", observed, verdict));
            }
        return results;
    }

    private static double? FlowMetric(FlowReport? f, string metric)
    {
        if (f is null) return null;
        double Ms(TimeSpan t) => t.TotalMilliseconds;
        return metric switch
        {
            "sent" => f.Sent,
            "received" => f.Received,
            "lost" => f.Lost,
            "duplicated" => f.Duplicated,
            "reordered" => f.Reordered,
            "delivery-ratio" => f.Sent == 0 ? null : (double)f.Received / f.Sent,
            "loss" => f.Sent == 0 ? null : (double)f.Lost / f.Sent,
            "rtt-min" => f.Rtt is { } r1 ? Ms(r1.Min) : null,
            "rtt-mean" => f.Rtt is { } r2 ? Ms(r2.Mean) : null,
            "rtt-p50" => f.Rtt is { } r3 ? Ms(r3.P50) : null,
            "rtt-p99" => f.Rtt is { } r4 ? Ms(r4.P99) : null,
            "rtt-max" => f.Rtt is { } r5 ? Ms(r5.Max) : null,
            _ => null,
        };
    }

    private static double? Counter(CounterSubject c, IReadOnlyList<Reports.NicCounters> nics, IReadOnlyList<HostStackCounters> hosts)
    {
        if (c.Nic is not null)
        {
            var nic = nics.FirstOrDefault(n => n.Host == c.Host && n.Nic == c.Nic);
            if (nic is null) return null;
            if (c.Counter.StartsWith("drop.", StringComparison.Ordinal))
                return nic.DropReasons.GetValueOrDefault(c.Counter["drop.".Length..]);
            return c.Counter switch
            {
                "rx_packets" => nic.RxPackets, "rx_bytes" => nic.RxBytes, "rx_dropped" => nic.RxDropped, "rx_errors" => nic.RxErrors,
                "tx_packets" => nic.TxPackets, "tx_bytes" => nic.TxBytes, "tx_dropped" => nic.TxDropped, "tx_errors" => nic.TxErrors,
                "queued" => nic.Queued,
                _ => null,
            };
        }
        var host = hosts.FirstOrDefault(h => h.Host == c.Host);
        return host is not null && host.Counters.TryGetValue(c.Counter, out var v) ? v : null;
    }
}
