namespace NetSim.Protocol.Counters;

/// <summary>
/// The names of a host stack's counters, as <see cref="Stack.HostCounterSnapshot"/>, report.json, counters.csv and
/// scenario expectations (<c>host.COUNTER</c>) spell them; grouped as <c>netstat -s</c> groups them. Every name is
/// in <see cref="CounterCatalogue"/> with its meaning; docs/counters.md lists them.
/// </summary>
public static class HostCounterNames
{
    /// <summary>Packets forwarded, both IP versions.</summary>
    public const string Forwarded = "forwarded";
    /// <summary>Packets delivered to local protocols, both IP versions.</summary>
    public const string Delivered = "delivered";
    /// <summary>Every malformed-packet drop, all layers.</summary>
    public const string Malformed = "malformed";
    /// <summary>Every checksum failure, all layers.</summary>
    public const string BadChecksum = "bad-checksum";
    /// <summary>Exceptions caught at the edge of the stack: always a bug, never expected in a healthy run.</summary>
    public const string InternalErrors = "internal-errors";

    /// <summary>Prefix of the StackActor's own drops ("stack.no-such-nic", "stack.udp-send-failed-unbound:ERRNO").</summary>
    public const string StackDropPrefix = "stack.";

    /// <summary>The ipv4 group.</summary>
    public static class Ipv4
    {
        /// <summary>IPv4: Packets received.</summary>
        public const string InReceives = "ipv4.in-receives";
        /// <summary>IPv4: Malformed headers: bad version, lengths, truncation (InHdrErrors).</summary>
        public const string InHeaderErrors = "ipv4.in-header-errors";
        /// <summary>IPv4: IPv4 header checksum failures (InCsumErrors).</summary>
        public const string InChecksumErrors = "ipv4.in-checksum-errors";
        /// <summary>IPv4: Packets not addressed to this host while not forwarding, or with an unusable address (InAddrErrors).</summary>
        public const string InAddressErrors = "ipv4.in-address-errors";
        /// <summary>IPv4: Packets for this host with a protocol it does not handle.</summary>
        public const string InUnknownProtocols = "ipv4.in-unknown-protocols";
        /// <summary>IPv4: Packets delivered to local protocols (UDP, ICMP).</summary>
        public const string InDelivers = "ipv4.in-delivers";
        /// <summary>IPv4: Packets this host originated.</summary>
        public const string OutRequests = "ipv4.out-requests";
        /// <summary>IPv4: Packets forwarded (a router).</summary>
        public const string ForwardedDatagrams = "ipv4.forwarded-datagrams";
        /// <summary>IPv4: Packets dropped for lack of a route.</summary>
        public const string OutNoRoutes = "ipv4.out-no-routes";
        /// <summary>IPv4: Packets dropped because TTL / hop limit ran out here.</summary>
        public const string TtlExceeded = "ipv4.ttl-exceeded";
        /// <summary>IPv4: Packets too big for the out MTU that could not be fragmented (DF, or IPv6 in transit).</summary>
        public const string PacketTooBig = "ipv4.packet-too-big";
        /// <summary>IPv4: Fragments received.</summary>
        public const string ReassemblyRequired = "ipv4.reassembly-required";
        /// <summary>IPv4: Datagrams reassembled.</summary>
        public const string ReassemblyOks = "ipv4.reassembly-oks";
        /// <summary>IPv4: Datagrams whose reassembly failed (overlap, too big, evicted).</summary>
        public const string ReassemblyFailures = "ipv4.reassembly-failures";
        /// <summary>IPv4: Datagrams whose fragments did not all arrive in time.</summary>
        public const string ReassemblyTimeouts = "ipv4.reassembly-timeouts";
        /// <summary>IPv4: Datagrams fragmented.</summary>
        public const string FragmentOks = "ipv4.fragment-oks";
        /// <summary>IPv4: Datagrams that needed fragmenting but could not be.</summary>
        public const string FragmentFailures = "ipv4.fragment-failures";
        /// <summary>IPv4: Fragments sent.</summary>
        public const string FragmentsCreated = "ipv4.fragments-created";
        /// <summary>IPv4: Packets to this host dropped because the loopback queue was full.</summary>
        public const string OutDiscards = "ipv4.out-discards";
    }

    /// <summary>The ipv6 group.</summary>
    public static class Ipv6
    {
        /// <summary>IPv6: Packets received.</summary>
        public const string InReceives = "ipv6.in-receives";
        /// <summary>IPv6: Malformed headers: bad version, lengths, truncation (InHdrErrors).</summary>
        public const string InHeaderErrors = "ipv6.in-header-errors";
        /// <summary>IPv6: IPv4 header checksum failures (InCsumErrors).</summary>
        public const string InChecksumErrors = "ipv6.in-checksum-errors";
        /// <summary>IPv6: Packets not addressed to this host while not forwarding, or with an unusable address (InAddrErrors).</summary>
        public const string InAddressErrors = "ipv6.in-address-errors";
        /// <summary>IPv6: Packets for this host with a protocol it does not handle.</summary>
        public const string InUnknownProtocols = "ipv6.in-unknown-protocols";
        /// <summary>IPv6: Packets delivered to local protocols (UDP, ICMP).</summary>
        public const string InDelivers = "ipv6.in-delivers";
        /// <summary>IPv6: Packets this host originated.</summary>
        public const string OutRequests = "ipv6.out-requests";
        /// <summary>IPv6: Packets forwarded (a router).</summary>
        public const string ForwardedDatagrams = "ipv6.forwarded-datagrams";
        /// <summary>IPv6: Packets dropped for lack of a route.</summary>
        public const string OutNoRoutes = "ipv6.out-no-routes";
        /// <summary>IPv6: Packets dropped because TTL / hop limit ran out here.</summary>
        public const string TtlExceeded = "ipv6.ttl-exceeded";
        /// <summary>IPv6: Packets too big for the out MTU that could not be fragmented (DF, or IPv6 in transit).</summary>
        public const string PacketTooBig = "ipv6.packet-too-big";
        /// <summary>IPv6: Fragments received.</summary>
        public const string ReassemblyRequired = "ipv6.reassembly-required";
        /// <summary>IPv6: Datagrams reassembled.</summary>
        public const string ReassemblyOks = "ipv6.reassembly-oks";
        /// <summary>IPv6: Datagrams whose reassembly failed (overlap, too big, evicted).</summary>
        public const string ReassemblyFailures = "ipv6.reassembly-failures";
        /// <summary>IPv6: Datagrams whose fragments did not all arrive in time.</summary>
        public const string ReassemblyTimeouts = "ipv6.reassembly-timeouts";
        /// <summary>IPv6: Datagrams fragmented.</summary>
        public const string FragmentOks = "ipv6.fragment-oks";
        /// <summary>IPv6: Datagrams that needed fragmenting but could not be.</summary>
        public const string FragmentFailures = "ipv6.fragment-failures";
        /// <summary>IPv6: Fragments sent.</summary>
        public const string FragmentsCreated = "ipv6.fragments-created";
        /// <summary>IPv6: Packets to this host dropped because the loopback queue was full.</summary>
        public const string OutDiscards = "ipv6.out-discards";
    }

    /// <summary>The icmpv4 group.</summary>
    public static class IcmpV4
    {
        /// <summary>ICMPv4: Messages received.</summary>
        public const string InMessages = "icmpv4.in-messages";
        /// <summary>ICMPv4: Messages too short or malformed for their type.</summary>
        public const string InErrors = "icmpv4.in-errors";
        /// <summary>ICMPv4: Messages with a bad checksum.</summary>
        public const string InChecksumErrors = "icmpv4.in-checksum-errors";
        /// <summary>ICMPv4: Messages sent.</summary>
        public const string OutMessages = "icmpv4.out-messages";

        /// <summary>Messages received, by type.</summary>
        public static class In
        {
            /// <summary>ICMPv4: echo reply messages received (type 0).</summary>
            public const string EchoReply = "icmpv4.in.echo-reply";
            /// <summary>ICMPv4: dest unreachable messages received (type 3).</summary>
            public const string DestUnreachable = "icmpv4.in.dest-unreachable";
            /// <summary>ICMPv4: echo request messages received (type 8).</summary>
            public const string EchoRequest = "icmpv4.in.echo-request";
            /// <summary>ICMPv4: time exceeded messages received (type 11).</summary>
            public const string TimeExceeded = "icmpv4.in.time-exceeded";
        }

        /// <summary>Messages sent, by type.</summary>
        public static class Out
        {
            /// <summary>ICMPv4: echo reply messages sent (type 0).</summary>
            public const string EchoReply = "icmpv4.out.echo-reply";
            /// <summary>ICMPv4: dest unreachable messages sent (type 3).</summary>
            public const string DestUnreachable = "icmpv4.out.dest-unreachable";
            /// <summary>ICMPv4: echo request messages sent (type 8).</summary>
            public const string EchoRequest = "icmpv4.out.echo-request";
            /// <summary>ICMPv4: time exceeded messages sent (type 11).</summary>
            public const string TimeExceeded = "icmpv4.out.time-exceeded";
        }
    }

    /// <summary>The icmpv6 group.</summary>
    public static class IcmpV6
    {
        /// <summary>ICMPv6: Messages received.</summary>
        public const string InMessages = "icmpv6.in-messages";
        /// <summary>ICMPv6: Messages too short or malformed for their type.</summary>
        public const string InErrors = "icmpv6.in-errors";
        /// <summary>ICMPv6: Messages with a bad checksum.</summary>
        public const string InChecksumErrors = "icmpv6.in-checksum-errors";
        /// <summary>ICMPv6: Messages sent.</summary>
        public const string OutMessages = "icmpv6.out-messages";

        /// <summary>Messages received, by type.</summary>
        public static class In
        {
            /// <summary>ICMPv6: dest unreachable messages received (type 1).</summary>
            public const string DestUnreachable = "icmpv6.in.dest-unreachable";
            /// <summary>ICMPv6: packet too big messages received (type 2).</summary>
            public const string PacketTooBig = "icmpv6.in.packet-too-big";
            /// <summary>ICMPv6: time exceeded messages received (type 3).</summary>
            public const string TimeExceeded = "icmpv6.in.time-exceeded";
            /// <summary>ICMPv6: echo request messages received (type 128).</summary>
            public const string EchoRequest = "icmpv6.in.echo-request";
            /// <summary>ICMPv6: echo reply messages received (type 129).</summary>
            public const string EchoReply = "icmpv6.in.echo-reply";
            /// <summary>ICMPv6: neighbour solicitation messages received (type 135).</summary>
            public const string NeighbourSolicitation = "icmpv6.in.neighbour-solicitation";
            /// <summary>ICMPv6: neighbour advertisement messages received (type 136).</summary>
            public const string NeighbourAdvertisement = "icmpv6.in.neighbour-advertisement";
        }

        /// <summary>Messages sent, by type.</summary>
        public static class Out
        {
            /// <summary>ICMPv6: dest unreachable messages sent (type 1).</summary>
            public const string DestUnreachable = "icmpv6.out.dest-unreachable";
            /// <summary>ICMPv6: packet too big messages sent (type 2).</summary>
            public const string PacketTooBig = "icmpv6.out.packet-too-big";
            /// <summary>ICMPv6: time exceeded messages sent (type 3).</summary>
            public const string TimeExceeded = "icmpv6.out.time-exceeded";
            /// <summary>ICMPv6: echo request messages sent (type 128).</summary>
            public const string EchoRequest = "icmpv6.out.echo-request";
            /// <summary>ICMPv6: echo reply messages sent (type 129).</summary>
            public const string EchoReply = "icmpv6.out.echo-reply";
            /// <summary>ICMPv6: neighbour solicitation messages sent (type 135).</summary>
            public const string NeighbourSolicitation = "icmpv6.out.neighbour-solicitation";
            /// <summary>ICMPv6: neighbour advertisement messages sent (type 136).</summary>
            public const string NeighbourAdvertisement = "icmpv6.out.neighbour-advertisement";
        }
    }

    /// <summary>The udp group.</summary>
    public static class Udp
    {
        /// <summary>UDP: Datagrams delivered to a bound port.</summary>
        public const string InDatagrams = "udp.in-datagrams";
        /// <summary>UDP: Datagrams for a port nobody bound (answered with ICMP port unreachable).</summary>
        public const string NoPorts = "udp.no-ports";
        /// <summary>UDP: Datagrams with a length field that does not fit.</summary>
        public const string InErrors = "udp.in-errors";
        /// <summary>UDP: Datagrams with a bad checksum.</summary>
        public const string InChecksumErrors = "udp.in-checksum-errors";
        /// <summary>UDP: Datagrams sent.</summary>
        public const string OutDatagrams = "udp.out-datagrams";
        /// <summary>UDP: Send failures reported through UdpSendFailed.</summary>
        public const string SendFailures = "udp.send-failures";
    }

    /// <summary>The neighbour group.</summary>
    public static class Neighbour
    {
        /// <summary>ARP requests sent.</summary>
        public const string ArpRequestsSent = "neighbour.arp-requests-sent";
        /// <summary>ARP replies sent.</summary>
        public const string ArpRepliesSent = "neighbour.arp-replies-sent";
        /// <summary>ARP requests received.</summary>
        public const string ArpRequestsReceived = "neighbour.arp-requests-received";
        /// <summary>ARP replies received.</summary>
        public const string ArpRepliesReceived = "neighbour.arp-replies-received";
        /// <summary>ARP packets too short or malformed.</summary>
        public const string ArpMalformed = "neighbour.arp-malformed";
        /// <summary>Neighbor Solicitations sent.</summary>
        public const string SolicitationsSent = "neighbour.solicitations-sent";
        /// <summary>Neighbor Advertisements sent.</summary>
        public const string AdvertisementsSent = "neighbour.advertisements-sent";
        /// <summary>Neighbor Solicitations received.</summary>
        public const string SolicitationsReceived = "neighbour.solicitations-received";
        /// <summary>Neighbor Advertisements received.</summary>
        public const string AdvertisementsReceived = "neighbour.advertisements-received";
        /// <summary>NDP messages failing RFC 4861 validation (hop limit not 255, bad code, unknown target).</summary>
        public const string NdpInvalid = "neighbour.ndp-invalid";
        /// <summary>Neighbours that never answered (each fails its queued packets with host unreachable).</summary>
        public const string ResolutionFailures = "neighbour.resolution-failures";
        /// <summary>Packets dropped because the per-neighbour pending queue was full.</summary>
        public const string PendingQueueDrops = "neighbour.pending-queue-drops";
        /// <summary>Packets dropped because the neighbour cache was full of unresolved entries.</summary>
        public const string TableFullDrops = "neighbour.table-full-drops";
    }

    /// <summary>The link group.</summary>
    public static class Link
    {
        /// <summary>Link: Frames from a NIC the stack no longer has.</summary>
        public const string UnknownInterface = "link.unknown-interface";
        /// <summary>Link: Frames shorter than their link header.</summary>
        public const string Truncated = "link.truncated";
        /// <summary>Link: TAP frames for another MAC (a flooding switch delivers them).</summary>
        public const string OtherHost = "link.other-host";
        /// <summary>Link: Frames of a network protocol the stack does not handle.</summary>
        public const string UnknownProtocol = "link.unknown-protocol";
    }
}
