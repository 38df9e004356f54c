using NetSim.Actors.Time;

namespace NetSim.Scenario.Reports;

/// <summary>Counters of one NIC at the end of a run, as <c>ip -s link</c> shows them.</summary>
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
    IReadOnlyDictionary<string, long> DropReasons);

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
public sealed record FlowReport(string Name, string Kind, long Sent, long Received, long Lost, long Duplicated, long Reordered, RttStatistics? Rtt)
{
    /// <summary>Payload bytes of the distinct packets (or replies) received.</summary>
    public long ReceivedBytes { get; init; }

    /// <summary>Payload bits received per second, from the first send to the last arrival; null without two such instants.</summary>
    public double? Goodput { get; init; }
}

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

/// <summary>Everything report.json holds about a run.</summary>
public sealed record RunReport(
    string Scenario,
    long Seed,
    TimeMode TimeMode,
    TimeSpan Duration,
    IReadOnlyList<NicCounters> Nics,
    IReadOnlyList<FlowReport> Flows,
    IReadOnlyList<HostStackCounters> Hosts,
    IReadOnlyList<ExpectationResult> Expectations)
{
    /// <summary>True when every expectation passed.</summary>
    public bool Passed => Expectations.All(e => e.Verdict == Verdict.Pass);
}
