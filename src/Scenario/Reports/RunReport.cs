using NetSim.Protocol.Counters;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Reports;

/// <summary>
/// Counters of one NIC at the end of a run, as <c>ip -s link</c> shows them: TX counts frames its files read,
/// <paramref name="Queued"/> the frames still in its outbound queue at the end.
/// </summary>
public sealed record NicCounters(
    string Host,
    string Nic,
    long RxPackets,
    long RxBytes,
    long RxDropped,
    long RxErrors,
    long TxPackets,
    long TxBytes,
    long TxDropped,
    long TxErrors,
    IReadOnlyDictionary<string, long> DropReasons,
    long Queued = 0)
{
    /// <summary>The <c>ip -s link</c> counters and the queue's length, by their catalogue names (<see cref="NicCounterNames"/>), in that order.</summary>
    public IEnumerable<(string Name, long Value)> Values()
    {
        yield return (NicCounterNames.RxPackets, RxPackets);
        yield return (NicCounterNames.RxBytes, RxBytes);
        yield return (NicCounterNames.RxDropped, RxDropped);
        yield return (NicCounterNames.RxErrors, RxErrors);
        yield return (NicCounterNames.TxPackets, TxPackets);
        yield return (NicCounterNames.TxBytes, TxBytes);
        yield return (NicCounterNames.TxDropped, TxDropped);
        yield return (NicCounterNames.TxErrors, TxErrors);
        yield return (NicCounterNames.Queued, Queued);
    }
}

/// <summary>Round-trip time statistics of a flow.</summary>
public sealed record RttStatistics(TimeSpan Min, TimeSpan Mean, TimeSpan P50, TimeSpan P99, TimeSpan Max);

/// <summary>What happened to one flow (a ping or udp step).</summary>
/// <param name="Name">Flow name from the scenario.</param>
/// <param name="Kind"><c>ping</c> or <c>udp</c>.</param>
/// <param name="Sent">Packets sent.</param>
/// <param name="Received">Distinct packets (or replies) received.</param>
/// <param name="Lost">Sent but never received by the end of the run.</param>
/// <param name="Duplicated">Extra copies received.</param>
/// <param name="Reordered">Received after a packet sent later.</param>
/// <param name="Rtt">RTT statistics when the flow measures them (ping) and got at least one reply; else null.</param>
/// <param name="SendFailed">Sends the host refused, by errno name (e.g. <c>EHOSTUNREACH</c>); null or empty when none.</param>
/// <param name="Tcp">What a tcp flow measured (for a tcp flow, <see cref="Sent"/> counts segments sent); null for ping and udp.</param>
public sealed record FlowReport(string Name, string Kind, long Sent, long Received, long Lost, long Duplicated, long Reordered, RttStatistics? Rtt,
    IReadOnlyDictionary<string, long>? SendFailed = null, TcpFlowReport? Tcp = null)
{
    /// <summary>Payload bytes of the distinct packets (or replies) received.</summary>
    public long ReceivedBytes { get; init; }

    /// <summary>Payload bits received per second, from the first send to the last arrival; null without two such instants.</summary>
    public double? Goodput { get; init; }
}

/// <summary>What a tcp flow measured.</summary>
/// <param name="BytesSent">Bytes the sending application handed to TCP.</param>
/// <param name="Bytes">Bytes the receiving application read.</param>
/// <param name="GoodputBitsPerSecond">Bytes read x 8 over the time from the flow's start to end of stream (or to the end of the run).</param>
/// <param name="ConnectTime">From connect to established; null if it never connected.</param>
/// <param name="Completed">The receiver read end of stream: every byte arrived.</param>
/// <param name="RetransmittedSegments">Segments the sender sent again.</param>
/// <param name="Timeouts">Retransmission timeouts.</param>
/// <param name="FastRetransmits">Loss recoveries started by duplicate ACKs or SACK.</param>
/// <param name="SackRecoveries">Those of them driven by SACK information.</param>
/// <param name="SRtt">Smoothed RTT at the end.</param>
/// <param name="MinRtt">Smallest RTT seen.</param>
/// <param name="FinalCwnd">Congestion window at the end, bytes.</param>
/// <param name="CongestionControl">The algorithm used.</param>
/// <param name="Error">Why the flow failed (errno text), or null.</param>
public sealed record TcpFlowReport(long BytesSent, long Bytes, double GoodputBitsPerSecond, TimeSpan? ConnectTime, bool Completed,
    long RetransmittedSegments, long Timeouts, long FastRetransmits, long SackRecoveries, TimeSpan? SRtt, TimeSpan? MinRtt,
    int FinalCwnd, string CongestionControl, string? Error);

/// <summary>
/// One direction of one wire at the end of a run: <paramref name="From"/> and <paramref name="To"/> are NICs
/// (<c>host.nic</c>) or a switch (its name). <paramref name="Offered"/> counts frames put on the wire (from a NIC:
/// frames its port read from the NIC's outbound queue, so it equals that NIC's TX packets), <paramref name="Delivered"/>
/// frames handed over at the far end (into a NIC: frames written into it, so it equals that NIC's RX packets + RX
/// errors + RX dropped). Offered = Delivered + sum(Dropped) + InFlight.
/// </summary>
public sealed record WireReport(string From, string To, long Offered, long Delivered, IReadOnlyDictionary<string, long> Dropped, long InFlight);

/// <summary>A link's two directions, or a switch's ports (each port's ingress, then its egress), by name.</summary>
public sealed record WiresReport(string Name, IReadOnlyList<WireReport> Wires);

/// <summary>A host's stack counters (e.g. ip_forwarded, icmp_echo_replies, no_route), by name.</summary>
public sealed record HostStackCounters(string Host, IReadOnlyDictionary<string, long> Counters);

/// <summary>Outcome of one expectation condition.</summary>
public enum Verdict
{
    /// <summary>The condition held.</summary>
    Pass,
    /// <summary>The condition did not hold.</summary>
    Fail,
    /// <summary>The value could not be measured (e.g. no RTT sample); counts as a failure of the run.</summary>
    Unmeasured,
}

/// <summary>One checked condition of an expect step.</summary>
/// <param name="Name">Expectation name.</param>
/// <param name="Subject">Flow name or counter path.</param>
/// <param name="Condition">Human-readable condition, e.g. <c>delivery-ratio &gt;= 0.99</c>.</param>
/// <param name="Observed">Measured value (durations in ms), or null when unmeasured.</param>
/// <param name="Verdict">Pass, fail or unmeasured.</param>
public sealed record ExpectationResult(string Name, string Subject, string Condition, double? Observed, Verdict Verdict);

/// <summary>
/// Counters of one bridge at the end of a run: frames and bytes the kernel device gave the simulation (from-kernel)
/// and the simulation wrote into it (to-kernel), and drops by reason.
/// </summary>
public sealed record BridgeReport(
    string Name,
    string Device,
    string? Netns,
    long FromKernelFrames,
    long FromKernelBytes,
    long ToKernelFrames,
    long ToKernelBytes,
    long Dropped,
    IReadOnlyDictionary<string, long> DropReasons);

/// <summary>Everything report.json holds about a run.</summary>
public sealed record RunReport(
    string Scenario,
    long Seed,
    TimeMode TimeMode,
    TimeSpan Duration,
    IReadOnlyList<NicCounters> Nics,
    IReadOnlyList<FlowReport> Flows,
    IReadOnlyList<HostStackCounters> Hosts,
    IReadOnlyList<ExpectationResult> Expectations,
    IReadOnlyList<WiresReport>? Links = null,
    IReadOnlyList<WiresReport>? Switches = null)
{
    /// <summary>Counters of the bridges to kernel devices, in file order (empty without bridges).</summary>
    public IReadOnlyList<BridgeReport> Bridges { get; init; } = [];

    /// <summary>True when every expectation passed (an interrupted run has not passed).</summary>
    public bool Passed => !Interrupted && Expectations.All(e => e.Verdict == Verdict.Pass);

    /// <summary>True when the run was stopped (Ctrl-C, SIGTERM) before its duration: the figures are those reached.</summary>
    public bool Interrupted { get; init; }

    /// <summary>Simulated time the run reached: <see cref="Duration"/> unless interrupted.</summary>
    public TimeSpan Reached { get; init; } = Duration;

    /// <summary>Why a partitioned run ended early (a partition lost); null otherwise. Such a report is partial: it holds
    /// what the partitions that answered measured.</summary>
    public string? Failure { get; init; }
}

/// <summary>The small maps a report holds by the million: drops by reason of each NIC and wire direction (about four a
/// host), a flow's refused sends by errno. Most are empty.</summary>
public static class ReportMaps
{
    /// <summary>One empty map shared by every NIC, wire and flow with nothing to count (most of them).</summary>
    public static readonly IReadOnlyDictionary<string, long> Empty = System.Collections.Immutable.ImmutableSortedDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>A copy of <paramref name="counts"/> sorted by name (ordinal), or <see cref="Empty"/> when it is empty:
    /// an empty sorted dictionary costs about 140 bytes, and a million hosts have millions of them.</summary>
    public static IReadOnlyDictionary<string, long> Sorted(IReadOnlyDictionary<string, long> counts)
    {
        if (counts.Count == 0) return Empty;
        // Filled directly: SortedDictionary's copying constructor wants an IDictionary, and copying into one first
        // would build every map twice.
        var sorted = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in counts) sorted.Add(name, value);
        return sorted;
    }
}
