using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// What one flow (a ping or a UDP stream) measured: sequence numbers sent and received, duplicates, reordering and
/// round-trip times. Written by the flow's actors only (one writer each), read by the runner after the run.
/// </summary>
internal sealed class FlowStats(string name, string kind)
{
    private readonly HashSet<long> _received = [];
    private readonly List<TimeSpan> _rtts = [];
    private long _highest = -1;
    private readonly object _gate = new();

    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public long Sent { get; private set; }
    public long Duplicated { get; private set; }
    public long Reordered { get; private set; }
    public long Errors { get; private set; }

    public void CountSent() { lock (_gate) Sent++; }

    public void CountError() { lock (_gate) Errors++; }

    /// <summary>Records the arrival of <paramref name="sequence"/>; a repeat counts as duplicated, an earlier number after a later one as reordered.</summary>
    public void CountReceived(long sequence, TimeSpan? rtt)
    {
        lock (_gate)
        {
            if (!_received.Add(sequence)) { Duplicated++; return; }
            if (sequence < _highest) Reordered++;
            else _highest = sequence;
            if (rtt is { } r) _rtts.Add(r);
        }
    }

    public FlowReport ToReport()
    {
        lock (_gate)
        {
            var received = _received.Count;
            return new FlowReport(Name, Kind, Sent, received, Math.Max(0, Sent - received), Duplicated, Reordered, Rtt());
        }
    }

    private RttStatistics? Rtt()
    {
        if (_rtts.Count == 0) return null;
        var sorted = _rtts.Order().ToArray();
        var mean = TimeSpan.FromTicks((long)sorted.Average(t => (double)t.Ticks));
        return new RttStatistics(sorted[0], mean, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile: the smallest value with at least p of the samples at or below it.</summary>
    private static TimeSpan Percentile(TimeSpan[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
