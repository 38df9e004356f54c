using Akka.Actor;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Scenario.Running;
using ProtocolNicCounters = NetSim.Protocol.Nic.NicCounters;

namespace NetSim.Scenario.TimeSeries;

/// <summary>
/// A flow (<c>flows.NAME</c>): packets <c>sent</c> and <c>received</c> in the interval, <c>throughput_bps</c>
/// (payload bits of distinct packets received, per second), for pings the RTT summary of the replies that arrived
/// (<c>rtt_count</c>, and when above 0 <c>rtt_min_ms</c>, <c>rtt_mean_ms</c>, <c>rtt_max_ms</c>), and after the run
/// <c>lost</c>: packets sent in the interval that never arrived. Every RTT sample goes to rtt.csv.
/// </summary>
internal sealed class FlowSeries : ISampledSubject
{
    private readonly string _name, _kind;
    private readonly Func<(FlowInterval Interval, List<(TimeSpan At, TimeSpan Rtt)> RttSamples)> _take;
    private readonly Func<long[]> _lostPerInterval;
    private readonly RttSampleWriter? _rttSamples;
    private readonly string _subject;

    public FlowSeries(FlowStats stats, RttSampleWriter? rttSamples)
        : this(stats.Name, stats.Kind, stats.TakeInterval, stats.LostPerInterval, rttSamples)
    {
        stats.KeepsRttSamples = rttSamples is not null;
    }

    /// <summary>A flow whose intervals come from <paramref name="take"/> (a partitioned run's merge replays them).</summary>
    public FlowSeries(string name, string kind, Func<(FlowInterval, List<(TimeSpan At, TimeSpan Rtt)>)> take, Func<long[]> lostPerInterval, RttSampleWriter? rttSamples) =>
        (_name, _kind, _take, _lostPerInterval, _rttSamples, _subject) = (name, kind, take, lostPerInterval, rttSamples, "flows." + name);

    private FlowInterval _taken;

    public void Read(TimeSpan now)
    {
        (_taken, var samples) = _take();
        if (_rttSamples is not null)
            foreach (var (at, rtt) in samples) _rttSamples.Write(at, _name, rtt);
    }

    public void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output)
    {
        var t = _taken;
        output.Write(now, _subject, "sent", t.Sent);
        output.Write(now, _subject, "received", t.Received);
        output.Write(now, _subject, "throughput_bps", t.ReceivedBytes * 8.0 / interval.TotalSeconds);
        if (_kind != "ping") return;
        output.Write(now, _subject, "rtt_count", t.RttCount);
        if (t.RttCount == 0) return;
        output.Write(now, _subject, "rtt_min_ms", t.RttMin.TotalMilliseconds);
        output.Write(now, _subject, "rtt_mean_ms", t.RttSum.TotalMilliseconds / t.RttCount);
        output.Write(now, _subject, "rtt_max_ms", t.RttMax.TotalMilliseconds);
    }

    public void Finish(IReadOnlyList<TimeSpan> sampleTimes, TimeSeriesWriter output)
    {
        var lost = _lostPerInterval();
        for (var k = 0; k < lost.Length && k < sampleTimes.Count; k++) output.Write(sampleTimes[k], _subject, "lost", lost[k]);
    }
}

/// <summary>
/// A NIC (<c>nics.HOST.NIC</c>): <c>queue</c> (frames waiting in its outbound queue at the sample instant), per
/// interval <c>tx_packets</c>, <c>rx_packets</c>, <c>tx_dropped</c>, <c>rx_dropped</c>, <c>tx_bps</c>, <c>rx_bps</c>,
/// and on a rate-limited link <c>utilisation</c>: the bits the link delivered from this NIC to the far NIC in the
/// interval over what the rate allows (0..1; the link's rate at the start of the run).
/// </summary>
internal sealed class NicSeries(string host, string nic, Func<ProtocolNicCounters?> read, Func<ProtocolNicCounters?> readGone) : ISampledSubject
{
    private readonly string _subject = $"nics.{host}.{nic}";
    private ProtocolNicCounters? _previous, _current;
    private bool _live;

    /// <summary>The NIC at the other end of this NIC's link and the link's rate; set for rate-limited links.</summary>
    public (NicSeries Peer, long RateBitsPerSecond)? Link { get; set; }

    public void Read(TimeSpan now)
    {
        _previous = _current;
        var counters = read();
        _live = counters is not null;
        _current = counters ?? readGone() ?? _previous; // a NIC that went away keeps its counters from when it went
    }

    private long Delta(Func<ProtocolNicCounters, long> counter) =>
        _current is null ? 0 : counter(_current) - (_previous is null ? 0 : counter(_previous));

    private bool Present => _current is not null;

    public void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output)
    {
        if (!Present) return;
        var seconds = interval.TotalSeconds;
        output.Write(now, _subject, "queue", _live ? _current!.Queued : 0);
        output.Write(now, _subject, "tx_packets", Delta(c => c.TxPackets));
        output.Write(now, _subject, "rx_packets", Delta(c => c.RxPackets));
        output.Write(now, _subject, "tx_dropped", Delta(c => c.TxDropped));
        output.Write(now, _subject, "rx_dropped", Delta(c => c.RxDropped));
        output.Write(now, _subject, "tx_bps", Delta(c => c.TxBytes) * 8.0 / seconds);
        output.Write(now, _subject, "rx_bps", Delta(c => c.RxBytes) * 8.0 / seconds);
        if (Link is { } l && l.RateBitsPerSecond > 0)
            output.Write(now, _subject, "utilisation", l.Peer.Delta(c => c.RxBytes) * 8.0 / (l.RateBitsPerSecond * seconds));
    }
}

/// <summary>
/// A link or switch (<c>links.NAME</c>, <c>switches.NAME</c>): frames <c>taken</c> from its NICs, <c>delivered</c>
/// and <c>dropped</c> in the interval, and <c>in_flight</c> at the sample instant; then each direction of its wires
/// (<c>links.NAME.FROM&gt;TO</c>, FROM and TO being <c>host.nic</c> or a switch's name): <c>offered</c>,
/// <c>delivered</c> and <c>dropped</c> in the interval and <c>in_flight</c> at the instant.
/// </summary>
internal sealed class LinkSeries(string subject, Func<LinkCounters?> read) : ISampledSubject
{
    private LinkCounters? _previous, _current;
    private (string From, string To, string Name)[] _directionNames = []; // links.NAME.FROM>TO of each direction, made once

    public void Read(TimeSpan now)
    {
        _previous = _current;
        _current = read() ?? _previous;
    }

    public void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output)
    {
        if (_current is not { } c) return;
        var p = _previous;
        output.Write(now, subject, "taken", c.Taken - (p?.Taken ?? 0));
        output.Write(now, subject, "delivered", c.Delivered - (p?.Delivered ?? 0));
        output.Write(now, subject, "dropped", c.Dropped - (p?.Dropped ?? 0));
        output.Write(now, subject, "in_flight", c.InFlight);
        for (var i = 0; i < c.Directions.Count; i++)
        {
            var d = c.Directions[i];
            var before = p is not null && i < p.Directions.Count ? p.Directions[i] : null;
            var name = DirectionName(i, d);
            output.Write(now, name, "offered", d.Offered - (before?.Offered ?? 0));
            output.Write(now, name, "delivered", d.Delivered - (before?.Delivered ?? 0));
            output.Write(now, name, "dropped", ReferenceEquals(d.Dropped, before?.Dropped) ? 0 : Sum(d.Dropped) - (before is null ? 0 : Sum(before.Dropped)));
            output.Write(now, name, "in_flight", d.InFlight);
        }
    }

    private string DirectionName(int i, WireCounters d)
    {
        if (i >= _directionNames.Length) Array.Resize(ref _directionNames, i + 1);
        var cached = _directionNames[i];
        if (cached.Name is null || cached.From != d.From || cached.To != d.To) // made again only if a wire's ends changed
            _directionNames[i] = cached = (d.From, d.To, $"{subject}.{d.From}>{d.To}");
        return cached.Name;
    }

    // Drops by reason added up; most wires never drop (an empty map, nothing to add).
    private static long Sum(IReadOnlyDictionary<string, long> byReason)
    {
        if (byReason.Count == 0) return 0;
        long sum = 0;
        foreach (var (_, n) in byReason) sum += n;
        return sum;
    }
}

/// <summary>
/// A tcp flow (<c>flows.NAME</c>): <c>received_bytes</c> (bytes the receiver read in the interval) and
/// <c>throughput_bps</c> (those bytes as bits per second); once the sender is connected, from its connection at the
/// sample instant: <c>cwnd</c> (bytes), <c>srtt_ms</c> (when measured), and per interval <c>retransmits</c>
/// (segments) and <c>timeouts</c> (retransmission timer expiries).
/// </summary>
internal sealed class TcpFlowSeries(string name, Func<TcpInfoReply?> info, Func<long> bytesReceived) : ISampledSubject
{
    private readonly string _subject = "flows." + name;
    private long _bytesBefore, _bytesNow;
    private TcpInfoReply? _infoBefore, _infoNow;

    public void Read(TimeSpan now)
    {
        _infoBefore = _infoNow;
        // The sender only shuts down its side, so its connection's numbers stay readable after the flow ends.
        _infoNow = info() ?? _infoBefore;
        // After the ask: what the instant's remaining work delivered counts in this interval, as it does in the report.
        (_bytesBefore, _bytesNow) = (_bytesNow, bytesReceived());
    }

    public void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output)
    {
        var bytes = _bytesNow - _bytesBefore;
        output.Write(now, _subject, "received_bytes", bytes);
        output.Write(now, _subject, "throughput_bps", bytes * 8.0 / interval.TotalSeconds);
        if (_infoNow is not { } info) return;
        output.Write(now, _subject, "cwnd", info.Cwnd);
        if (info.SRtt > TimeSpan.Zero) output.Write(now, _subject, "srtt_ms", info.SRtt.TotalMilliseconds);
        output.Write(now, _subject, "retransmits", info.RetransmittedSegments - (_infoBefore?.RetransmittedSegments ?? 0));
        output.Write(now, _subject, "timeouts", info.Timeouts - (_infoBefore?.Timeouts ?? 0));
    }
}
