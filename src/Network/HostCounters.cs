namespace NetSim.Network;

/// <summary>Per-protocol IP counters, named as in `netstat -s` (Ip: / Ip6:).</summary>
public sealed class IpCounters
{
    public long InReceives { get; internal set; }
    /// <summary>Malformed headers: bad version, lengths, truncation (InHdrErrors).</summary>
    public long InHeaderErrors { get; internal set; }
    /// <summary>IPv4 header checksum failures (InCsumErrors).</summary>
    public long InChecksumErrors { get; internal set; }
    /// <summary>Packets not addressed to this host while not forwarding, or with an unusable address (InAddrErrors).</summary>
    public long InAddressErrors { get; internal set; }
    public long InUnknownProtocols { get; internal set; }
    public long InDelivers { get; internal set; }
    public long OutRequests { get; internal set; }
    public long ForwardedDatagrams { get; internal set; }
    public long OutNoRoutes { get; internal set; }
    /// <summary>Packets dropped because TTL / hop limit ran out here.</summary>
    public long TtlExceeded { get; internal set; }
    /// <summary>Packets too big for the out MTU that could not be fragmented (DF, or IPv6 in transit).</summary>
    public long PacketTooBig { get; internal set; }
    public long ReassemblyRequired { get; internal set; }
    public long ReassemblyOks { get; internal set; }
    public long ReassemblyFailures { get; internal set; }
    public long ReassemblyTimeouts { get; internal set; }
    public long FragmentOks { get; internal set; }
    public long FragmentFailures { get; internal set; }
    public long FragmentsCreated { get; internal set; }
    /// <summary>Packets to this host dropped because the loopback queue was full.</summary>
    public long OutDiscards { get; internal set; }
}

/// <summary>ICMP counters (Icmp: / Icmp6:), with per-type in and out histograms.</summary>
public sealed class IcmpCounters
{
    private readonly long[] _inByType = new long[256];
    private readonly long[] _outByType = new long[256];

    public long InMessages { get; internal set; }
    /// <summary>Messages too short or malformed for their type.</summary>
    public long InErrors { get; internal set; }
    public long InChecksumErrors { get; internal set; }
    public long OutMessages { get; internal set; }

    /// <summary>Messages received of one type (e.g. IcmpV4Type.EchoRequest).</summary>
    public long InType(byte type) => _inByType[type];
    /// <summary>Messages sent of one type.</summary>
    public long OutType(byte type) => _outByType[type];

    internal void CountIn(byte type) { InMessages++; _inByType[type]++; }
    internal void CountOut(byte type) { OutMessages++; _outByType[type]++; }
}

/// <summary>UDP counters (Udp: / Udp6: merged, as one port space serves both).</summary>
public sealed class UdpCounters
{
    public long InDatagrams { get; internal set; }
    public long NoPorts { get; internal set; }
    /// <summary>Datagrams with a length field that does not fit.</summary>
    public long InErrors { get; internal set; }
    public long InChecksumErrors { get; internal set; }
    public long OutDatagrams { get; internal set; }
    /// <summary>Send failures reported through <see cref="IHostStackEvents.UdpSendFailed"/>.</summary>
    public long SendFailures { get; internal set; }
}

/// <summary>ARP and NDP counters, and the neighbour cache's drops.</summary>
public sealed class NeighbourCounters
{
    public long ArpRequestsSent { get; internal set; }
    public long ArpRepliesSent { get; internal set; }
    public long ArpRequestsReceived { get; internal set; }
    public long ArpRepliesReceived { get; internal set; }
    public long ArpMalformed { get; internal set; }
    /// <summary>ARP packets dropped because the sender IP is multicast or broadcast (no neighbour can have it).</summary>
    public long ArpInvalidSender { get; internal set; }
    public long SolicitationsSent { get; internal set; }
    public long AdvertisementsSent { get; internal set; }
    public long SolicitationsReceived { get; internal set; }
    public long AdvertisementsReceived { get; internal set; }
    /// <summary>NDP messages failing RFC 4861 validation (hop limit not 255, bad code, unknown target).</summary>
    public long NdpInvalid { get; internal set; }
    /// <summary>Neighbours that never answered (each fails its queued packets with host unreachable).</summary>
    public long ResolutionFailures { get; internal set; }
    /// <summary>Packets dropped because the per-neighbour pending queue was full.</summary>
    public long PendingQueueDrops { get; internal set; }
    /// <summary>Packets dropped because the neighbour cache was full of unresolved entries.</summary>
    public long TableFullDrops { get; internal set; }
}

/// <summary>Link-level drops before any protocol looked at the frame.</summary>
public sealed class LinkCounters
{
    public long UnknownInterface { get; internal set; }
    /// <summary>Frames shorter than their link header.</summary>
    public long Truncated { get; internal set; }
    /// <summary>TAP frames for another MAC (a flooding switch delivers them).</summary>
    public long OtherHost { get; internal set; }
    public long UnknownProtocol { get; internal set; }
    /// <summary>Packets refused at the link because they exceed the NIC's MTU (never transmitted; a guard that IP's own checks should make unreachable).</summary>
    public long OutTooBig { get; internal set; }
}

/// <summary>Every counter of one <see cref="HostStack"/>, grouped as `netstat -s` groups them.</summary>
public sealed class HostCounters
{
    public IpCounters Ipv4 { get; } = new();
    public IpCounters Ipv6 { get; } = new();
    public IcmpCounters IcmpV4 { get; } = new();
    public IcmpCounters IcmpV6 { get; } = new();
    public UdpCounters Udp { get; } = new();
    public NeighbourCounters Neighbour { get; } = new();
    public LinkCounters Link { get; } = new();
    /// <summary>Exceptions caught at the edge of the stack: always a bug, never expected in a healthy run.</summary>
    public long InternalErrors { get; internal set; }

    /// <summary>Every malformed-packet drop, all layers.</summary>
    public long Malformed =>
        Link.Truncated + Ipv4.InHeaderErrors + Ipv6.InHeaderErrors + IcmpV4.InErrors + IcmpV6.InErrors + Udp.InErrors + Neighbour.ArpMalformed;

    /// <summary>Every checksum failure, all layers.</summary>
    public long BadChecksum => Ipv4.InChecksumErrors + IcmpV4.InChecksumErrors + IcmpV6.InChecksumErrors + Udp.InChecksumErrors;

    /// <summary>Packets forwarded, both families.</summary>
    public long Forwarded => Ipv4.ForwardedDatagrams + Ipv6.ForwardedDatagrams;

    /// <summary>Packets delivered to local protocols, both families.</summary>
    public long Delivered => Ipv4.InDelivers + Ipv6.InDelivers;
}
