using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// What one flow (a ping or a UDP stream) measured: sequence numbers sent and received, payload bytes, duplicates,
/// reordering and round-trip times, in total and since the time-series sampler last took an interval.
/// Written by the flow's actors only (one writer each), read by the runner and its sampler.
/// </summary>
internal sealed class FlowStats(string name, string kind)
{
    private readonly HashSet<long> _received = [];
    private readonly List<TimeSpan> _rtts = [];
    private long _highest = -1;
    private readonly object _gate = new();
    private TimeSpan? _firstSentAt, _lastReceivedAt;
    private long _highestSent = long.MinValue;
    private FlowInterval _interval = FlowInterval.Empty;
    private List<(TimeSpan At, TimeSpan Rtt)> _intervalRtts = []; // this interval's samples only: bounded by the flow's rate x interval
    // One entry per interval taken: the first sequence number sent after it ended. Sequences rise within a flow, so
    // a sequence belongs to the first interval whose boundary lies above it (no per-packet memory for the time series).
    private readonly List<long> _intervalBoundaries = [];
    private readonly List<long> _sentPerInterval = [];

    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public long Sent { get; private set; }
    public long ReceivedBytes { get; private set; }
    public long Duplicated { get; private set; }
    public long Reordered { get; private set; }
    public long Errors { get; private set; }

    /// <summary>Records the send of <paramref name="sequence"/> at simulated time <paramref name="now"/>.</summary>
    public void CountSent(long sequence, TimeSpan now)
    {
        lock (_gate)
        {
            Sent++;
            _firstSentAt ??= now;
            if (sequence > _highestSent) _highestSent = sequence;
            _interval = _interval with { Sent = _interval.Sent + 1 };
        }
    }

    public void CountError() { lock (_gate) Errors++; }

    /// <summary>
    /// Records the arrival of <paramref name="sequence"/> carrying <paramref name="payloadBytes"/> at
    /// <paramref name="now"/>; a repeat counts as duplicated, an earlier number after a later one as reordered.
    /// </summary>
    public void CountReceived(long sequence, int payloadBytes, TimeSpan now, TimeSpan? rtt)
    {
        lock (_gate)
        {
            if (!_received.Add(sequence)) { Duplicated++; return; }
            if (sequence < _highest) Reordered++;
            else _highest = sequence;
            ReceivedBytes += payloadBytes;
            _lastReceivedAt = now;
            var i = _interval;
            i = i with { Received = i.Received + 1, ReceivedBytes = i.ReceivedBytes + payloadBytes };
            if (rtt is { } r)
            {
                _rtts.Add(r);
                _intervalRtts.Add((now, r));
                i = i with
                {
                    RttCount = i.RttCount + 1,
                    RttMin = i.RttCount == 0 || r < i.RttMin ? r : i.RttMin,
                    RttMax = i.RttCount == 0 || r > i.RttMax ? r : i.RttMax,
                    RttSum = i.RttSum + r,
                };
            }
            _interval = i;
        }
    }

    /// <summary>What happened since the last call (or the start), with the RTT samples in arrival order, and starts a new interval.</summary>
    public (FlowInterval Interval, List<(TimeSpan At, TimeSpan Rtt)> RttSamples) TakeInterval()
    {
        lock (_gate)
        {
            var taken = (_interval, _intervalRtts);
            _interval = FlowInterval.Empty;
            _intervalRtts = [];
            _intervalBoundaries.Add(_highestSent == long.MinValue ? long.MinValue : _highestSent + 1);
            _sentPerInterval.Add(taken._interval.Sent);
            return taken;
        }
    }

    /// <summary>
    /// For each interval taken: packets sent in it that never arrived. Known only once the run is over, so the
    /// sampler asks after the last interval; the figures add up to the report's <c>lost</c>.
    /// </summary>
    public long[] LostPerInterval()
    {
        lock (_gate)
        {
            var arrived = new long[_intervalBoundaries.Count];
            foreach (var sequence in _received)
            {
                var k = FirstAbove(_intervalBoundaries, sequence);
                if (k < arrived.Length) arrived[k]++;
            }
            return [.. _sentPerInterval.Select((sent, k) => Math.Max(0, sent - arrived[k]))];
        }
    }

    /// <summary>Index of the first boundary above <paramref name="sequence"/> (boundaries repeat over idle intervals, so not BinarySearch).</summary>
    private static int FirstAbove(List<long> boundaries, long sequence)
    {
        int lo = 0, hi = boundaries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (boundaries[mid] > sequence) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    public FlowReport ToReport()
    {
        lock (_gate)
        {
            var received = _received.Count;
            return new FlowReport(Name, Kind, Sent, received, Math.Max(0, Sent - received), Duplicated, Reordered, Rtt())
            {
                ReceivedBytes = ReceivedBytes,
                Goodput = Goodput(),
            };
        }
    }

    /// <summary>Payload bits received per second between the first send and the last arrival; null without a span.</summary>
    private double? Goodput() =>
        _firstSentAt is { } first && _lastReceivedAt is { } last && last > first
            ? ReceivedBytes * 8.0 / (last - first).TotalSeconds
            : null;

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

/// <summary>A flow's figures for one time-series interval: packets, payload bytes and a bounded RTT summary.</summary>
internal readonly record struct FlowInterval(long Sent, long Received, long ReceivedBytes, int RttCount, TimeSpan RttMin, TimeSpan RttSum, TimeSpan RttMax)
{
    public static readonly FlowInterval Empty = new(0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}
