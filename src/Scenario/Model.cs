using System.Collections.Immutable;
using System.Net;
using NetSim.Actors.Time;
using NetSim.Protocol.Wire;

namespace NetSim.Scenario;

/// <summary>Kind of a simulated NIC: TUN carries IP packets, TAP carries Ethernet frames.</summary>
public enum NicKind
{
    /// <summary>Layer 3 point-to-point device (IFF_TUN).</summary>
    Tun,
    /// <summary>Layer 2 Ethernet device (IFF_TAP).</summary>
    Tap,
}

/// <summary>An address assigned to a NIC, with its prefix length, as in <c>10.0.0.1/24</c>.</summary>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>A destination prefix of a route, as in <c>0.0.0.0/0</c> (host bits are zero).</summary>
public sealed record IpPrefix(IPAddress Network, int PrefixLength)
{
    /// <inheritdoc />
    public override string ToString() => $"{Network}/{PrefixLength}";
}

/// <summary>A NIC of a host, named <c>host.nic</c> in references (for example <c>h1.eth0</c>).</summary>
public readonly record struct NicRef(string Host, string Nic)
{
    /// <inheritdoc />
    public override string ToString() => $"{Host}.{Nic}";
}

/// <summary>One NIC of a host: <c>hosts.NAME.nics.NIC</c>.</summary>
/// <param name="Name">Interface name, e.g. <c>eth0</c>.</param>
/// <param name="Kind">TUN or TAP.</param>
/// <param name="Addresses">IPv4/IPv6 addresses with prefix.</param>
/// <param name="Mtu">Maximum transmission unit in bytes.</param>
/// <param name="Mac">MAC address (TAP only); null lets the simulator pick a locally administered one.</param>
/// <param name="QueueLength">Bound of the NIC's outbound queue in packets.</param>
public sealed record NicSpec(string Name, NicKind Kind, ImmutableArray<InterfaceAddress> Addresses, int Mtu, MacAddress? Mac, int QueueLength);

/// <summary>A static route of a host.</summary>
/// <param name="To">Destination prefix.</param>
/// <param name="Via">Next-hop gateway, or null for an on-link route.</param>
/// <param name="Device">Outgoing NIC name, or null to pick it from the gateway.</param>
/// <param name="Metric">Preference among routes of equal prefix length (lower wins).</param>
public sealed record RouteSpec(IpPrefix To, IPAddress? Via, string? Device, int Metric);

/// <summary>A simulated host with its own stack: <c>hosts.NAME</c>.</summary>
public sealed record HostSpec(string Name, bool Forwarding, ImmutableArray<NicSpec> Nics, ImmutableArray<RouteSpec> Routes);

/// <summary>Mutable properties of a link, shared by the link definition and <c>link-set</c>.</summary>
/// <param name="Delay">One-way propagation delay.</param>
/// <param name="Jitter">Uniform random extra delay in [0, Jitter].</param>
/// <param name="Loss">Probability in [0,1] that a frame is lost.</param>
/// <param name="RateBitsPerSecond">Serialisation rate in bits/s; 0 means unlimited.</param>
/// <param name="QueueLength">Frames that may wait for the wire before new ones are dropped.</param>
public sealed record LinkProperties(TimeSpan Delay, TimeSpan Jitter, double Loss, long RateBitsPerSecond, int QueueLength);

/// <summary>A point-to-point link between two NICs: <c>links.NAME</c>.</summary>
public sealed record LinkSpec(string Name, NicRef A, NicRef B, LinkProperties Properties, bool Up);

/// <summary>A learning Ethernet switch joining NICs: <c>switches.NAME</c>.</summary>
public sealed record SwitchSpec(string Name, ImmutableArray<NicRef> Ports, TimeSpan MacAgeing, TimeSpan Delay);

/// <summary>A timed action of the script; <see cref="At"/> is simulated time since the run start.</summary>
public abstract record ScriptStep(TimeSpan At);

/// <summary>Send ICMP echo requests (a named flow).</summary>
public sealed record PingStep(TimeSpan At, string Name, string From, IPAddress To, int Count, TimeSpan Interval, int Size, int Ttl) : ScriptStep(At);

/// <summary>Send UDP datagrams at a fixed packet rate (a named flow); ends after <see cref="Count"/> packets or <see cref="Duration"/>.</summary>
public sealed record UdpStep(TimeSpan At, string Name, string From, IPAddress To, int Port, double PacketsPerSecond, int Size, int? Count, TimeSpan? Duration) : ScriptStep(At);

/// <summary>
/// A TCP bulk transfer (a named flow): a listener on the host that owns <see cref="To"/>, a connection from
/// <see cref="From"/> that writes <see cref="Bytes"/> bytes, or as much as it can for <see cref="Duration"/>, then
/// shuts down. <see cref="CongestionControl"/> names the algorithm (cubic, newreno, ...).
/// </summary>
public sealed record TcpStep(TimeSpan At, string Name, string From, IPAddress To, int Port, long? Bytes, TimeSpan? Duration, string CongestionControl) : ScriptStep(At);

/// <summary>A TCP echo server on <see cref="Host"/>: listens on <see cref="Port"/> from <see cref="ScriptStep.At"/> to the end of the run and writes back everything each connection sends.</summary>
public sealed record TcpEchoStep(TimeSpan At, string Host, int Port) : ScriptStep(At);

/// <summary>Take a link down: frames in flight and new frames are dropped.</summary>
public sealed record LinkDownStep(TimeSpan At, string Link) : ScriptStep(At);

/// <summary>Bring a link back up.</summary>
public sealed record LinkUpStep(TimeSpan At, string Link) : ScriptStep(At);

/// <summary>Change some properties of a link; null members keep their current value.</summary>
public sealed record LinkSetStep(TimeSpan At, string Link, TimeSpan? Delay, TimeSpan? Jitter, double? Loss, long? RateBitsPerSecond, int? QueueLength) : ScriptStep(At);

/// <summary>Close every device attached to a NIC, which removes the NIC (no persist flag).</summary>
public sealed record CloseDevicesStep(TimeSpan At, NicRef Nic) : ScriptStep(At);

/// <summary>How an observed value is compared with its bound.</summary>
public enum Comparison
{
    /// <summary>observed &gt;= bound.</summary>
    AtLeast,
    /// <summary>observed &lt;= bound.</summary>
    AtMost,
    /// <summary>observed == bound.</summary>
    EqualTo,
}

/// <summary>One bound of an expectation, e.g. delivery-ratio at-least 0.99. Durations are given in milliseconds.</summary>
public sealed record ExpectCondition(string Metric, Comparison Comparison, double Bound);

/// <summary>What an expectation looks at: a flow by name or a counter by <c>host.nic.counter</c> / <c>host.counter</c>.</summary>
public abstract record ExpectSubject;

/// <summary>A flow started by a ping or udp step.</summary>
public sealed record FlowSubject(string Flow) : ExpectSubject;

/// <summary>A NIC counter (<c>host.nic.counter</c>) or a host stack counter (<c>host.counter</c>).</summary>
public sealed record CounterSubject(string Host, string? Nic, string Counter) : ExpectSubject;

/// <summary>Check measured results at time <c>At</c>; each condition gets a verdict in the report.</summary>
public sealed record ExpectStep(TimeSpan At, string Name, ExpectSubject Subject, ImmutableArray<ExpectCondition> Conditions) : ScriptStep(At);

/// <summary>A whole scenario file after parsing, defaults and validation.</summary>
/// <param name="SourcePath">The file it came from.</param>
/// <param name="Seed">Seed for every random choice of the run.</param>
/// <param name="Duration">Simulated length of the run.</param>
/// <param name="TimeMode">Virtual or real time.</param>
/// <param name="Hosts">Hosts in file order.</param>
/// <param name="Links">Links in file order.</param>
/// <param name="Switches">Switches in file order.</param>
/// <param name="Script">Steps sorted by time (stable: equal times keep file order).</param>
/// <param name="Capture">NICs whose frames are written to pcap files.</param>
public sealed record Scenario(
    string SourcePath,
    long Seed,
    TimeSpan Duration,
    TimeMode TimeMode,
    ImmutableArray<HostSpec> Hosts,
    ImmutableArray<LinkSpec> Links,
    ImmutableArray<SwitchSpec> Switches,
    ImmutableArray<ScriptStep> Script,
    ImmutableArray<NicRef> Capture)
{
    /// <summary>The <c>report</c> block: time-series interval and plots.</summary>
    public ReportSettings Report { get; init; } = ReportSettings.Default;
    /// <summary>Bridges to real kernel TUN/TAP devices, in file order (a scenario with any runs in real time).</summary>
    public ImmutableArray<BridgeSpec> Bridges { get; init; } = [];
    /// <summary><c>hosts.NAME.node</c>: the node (1-based) a partitioned run places a host on; hosts without one are placed automatically.</summary>
    public ImmutableDictionary<string, int> HostNodes { get; init; } = ImmutableDictionary<string, int>.Empty;
    /// <summary>Turns a key path into an error at its file and line, for problems found after loading (partitioning a run).</summary>
    public Func<string, string, ScenarioError>? Locate { get; init; }

    /// <summary>An error about <paramref name="key"/> at its line of the file (line 0 when the scenario was not loaded from one).</summary>
    public ScenarioError ErrorAt(string key, string message) => Locate?.Invoke(key, message) ?? new ScenarioError(SourcePath, 0, key, message);
}

/// <summary>A problem found in a scenario, meant for a person: <c>file:line: key: message</c>.</summary>
/// <param name="File">Scenario file, or <c>--set</c> / <c>--seed</c> for command-line overrides.</param>
/// <param name="Line">1-based line (for --set, the 1-based position of the override); 0 when unknown.</param>
/// <param name="Key">Dotted key path, lists indexed as <c>script[2].ping.count</c>; empty for file-level problems.</param>
/// <param name="Message">What is wrong and, where it helps, how to fix it.</param>
public sealed record ScenarioError(string File, int Line, string Key, string Message)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        return Key.Length > 0 ? $"{where}: {Key}: {Message}" : $"{where}: {Message}";
    }
}

/// <summary>Outcome of <see cref="ScenarioLoader.Load"/>: a scenario or the errors that prevent one.</summary>
public sealed record ScenarioLoadResult(Scenario? Scenario, ImmutableArray<ScenarioError> Errors)
{
    /// <summary>True when a scenario was produced (no errors).</summary>
    public bool Succeeded => Scenario is not null && Errors.IsEmpty;
}
