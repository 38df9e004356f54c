using System.Buffers;
using System.Runtime.InteropServices;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

/// <summary>
/// The IP stack of one simulated host: interfaces and addresses, routes (longest prefix match), ARP and NDP
/// neighbour resolution on TAP links, ICMP and ICMPv6, UDP endpoints, forwarding, fragmentation and reassembly.
/// </summary>
/// <remarks>
/// Plain synchronous code, no actors and no clock: every call that may act on time takes <c>now</c>, and the owner
/// calls <see cref="OnTimer"/> at <see cref="NextDeadline"/>. Output goes through <see cref="IHostStackEvents"/>.
/// Not thread-safe: one owner (an actor) calls it. Packet buffers come from <see cref="ArrayPool{T}.Shared"/>, so the
/// steady-state hot path allocates nothing. Nothing a peer sends makes a method throw: bad input is counted in
/// <see cref="Counters"/> and dropped.
/// </remarks>
public sealed partial class HostStack
{
    /// <summary>Room left before every IP packet in a buffer so a TAP frame needs no copy to get its Ethernet header.</summary>
    private const int Headroom = EthernetHeader.Length;
    private const int MinimumMtu = 68;
    private const int LoopbackQueueLimit = 1024;

    private readonly HostStackOptions _options;
    private readonly IHostStackEvents _events;
    private Random? _random;
    private readonly Dictionary<int, NetworkInterface> _interfaces = [];
    private readonly RouteTable _routes = new();
    /// <summary>Which NIC holds each local address (an address belongs to one NIC of the host at most).</summary>
    private readonly Dictionary<Ipv4Address, NetworkInterface> _localV4 = [];
    private readonly Dictionary<Ipv6Address, NetworkInterface> _localV6 = [];
    /// <summary>Directed broadcast addresses of the host's IPv4 prefixes (shorter than /31), with how many addresses give each.</summary>
    private readonly Dictionary<Ipv4Address, int> _directedBroadcastsV4 = [];
    private readonly PortSet _boundPorts = new();
    private readonly Queue<PendingPacket> _loopback = new();
    private ushort _nextIpId;
    private uint _nextIpv6FragmentId;
    private TimeSpan _lastNow;
    private bool _drainingLoopback;
    /// <summary>Depth of event-handler calls in progress: tells an exception of ours from one a handler threw.</summary>
    private int _handlerDepth;

    /// <summary>An IP packet held in a pooled buffer at offset <see cref="Headroom"/>.</summary>
    private readonly record struct PendingPacket(byte[] Buffer, int Length, ushort EtherType);

    public HostStack(HostStackOptions options, IHostStackEvents events)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        if (options.ResolutionAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "ResolutionAttempts must be at least 1");
        if (options.PendingPacketsPerNeighbour < 1) throw new ArgumentOutOfRangeException(nameof(options), "PendingPacketsPerNeighbour must be at least 1");
        if (options.EphemeralPortFirst == 0 || options.EphemeralPortLast < options.EphemeralPortFirst)
            throw new ArgumentOutOfRangeException(nameof(options), "ephemeral port range must be 1..65535 and ordered");
        _options = options;
        _events = events;
        var random = SeededRandom(options);
        _nextIpId = options.InitialIpId ?? (ushort)random.Next(0, 65536);
        _nextIpv6FragmentId = options.InitialIpv6FragmentId ?? (uint)random.NextInt64(0, 1L << 32);
        Forwarding = options.Forwarding;
    }

    /// <summary>
    /// The host's seeded random source past the two draws the constructor makes: made on first use (an ephemeral port,
    /// a TCP initial sequence number) by drawing those two again, so it yields what one kept from the start would. A
    /// seeded <see cref="System.Random"/> holds 56 ints (about 300 bytes), and most hosts never draw again.
    /// </summary>
    private Random RandomSource => _random ??= SeededRandom(_options, skipConstructorDraws: true);

    private static Random SeededRandom(HostStackOptions options, bool skipConstructorDraws = false)
    {
        var random = new Random(options.Seed);
        if (skipConstructorDraws && options.InitialIpId is null) random.Next(0, 65536);
        if (skipConstructorDraws && options.InitialIpv6FragmentId is null) random.NextInt64(0, 1L << 32);
        return random;
    }

    public string Name => _options.Name;
    public HostStackOptions Options => _options;

    /// <summary>Every counter, `netstat -s` style.</summary>
    public HostCounters Counters { get; } = new();

    /// <summary>Router (forward packets for others) or host (drop them); starts as <see cref="HostStackOptions.Forwarding"/>.</summary>
    public bool Forwarding { get; set; }

    /// <summary>The routing table, in the order routes were added (lookup picks the longest prefix, first added on a tie).</summary>
    public IReadOnlyList<Route> Routes => _routes.All;

    /// <summary>True once the routing table indexes its routes (more than <see cref="RouteTable.ScanLimit"/>; for tests).</summary>
    internal bool RoutesIndexed => _routes.IsIndexed;

    // ---------------------------------------------------------------- interfaces and addresses

    /// <summary>
    /// Adds a NIC. <paramref name="mtu"/> is the largest IP packet (Ethernet header excluded, as Linux counts it).
    /// A TAP NIC gets an fe80::/64 EUI-64 address when <see cref="HostStackOptions.AutoLinkLocal"/> is set.
    /// EEXIST for a used id, EINVAL for an MTU under 68 or a multicast MAC on a TAP.
    /// </summary>
    public Errno AddInterface(int nicId, string name, bool isTap, MacAddress mac, int mtu)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_interfaces.ContainsKey(nicId)) return Errno.EEXIST;
        if (mtu < MinimumMtu || mtu > 65535) return Errno.EINVAL;
        if (isTap && (mac.IsMulticast || mac == MacAddress.Zero)) return Errno.EINVAL;
        var nic = new NetworkInterface(nicId, name, isTap, mac, mtu);
        _interfaces.Add(nicId, nic);
        if (isTap && _options.AutoLinkLocal)
            AddAddress(nicId, Ipv6Address.LinkLocalFromMac(mac), 64);
        return Errno.None;
    }

    /// <summary>Removes a NIC with its addresses, the routes through it and its neighbours (their queued packets are dropped).</summary>
    public Errno RemoveInterface(int nicId)
    {
        if (!_interfaces.Remove(nicId, out var nic)) return Errno.ENODEV;
        foreach (var (a, length) in nic.V4) ForgetLocalV4(a, length);
        foreach (var (a, _) in nic.V6) _localV6.Remove(a);
        _routes.RemoveAll(r => r.NicId == nicId);
        RemoveNeighboursOf(nicId);
        return Errno.None;
    }

    /// <summary>Changes a NIC's MTU (ip link set mtu).</summary>
    public Errno SetMtu(int nicId, int mtu)
    {
        if (!_interfaces.TryGetValue(nicId, out var nic)) return Errno.ENODEV;
        if (mtu < MinimumMtu || mtu > 65535) return Errno.EINVAL;
        nic.Mtu = mtu;
        return Errno.None;
    }

    /// <summary>Changes a TAP NIC's MAC (ip link set address): frames sent from now on carry it. EINVAL for a TUN NIC or a multicast / zero MAC.</summary>
    public Errno SetMac(int nicId, MacAddress mac)
    {
        if (!_interfaces.TryGetValue(nicId, out var nic)) return Errno.ENODEV;
        if (!nic.IsTap || mac.IsMulticast || mac == MacAddress.Zero) return Errno.EINVAL;
        nic.Mac = mac;
        return Errno.None;
    }

    /// <summary>Ids of the NICs, in no particular order.</summary>
    public IEnumerable<int> InterfaceIds => _interfaces.Keys;

    /// <summary>
    /// Adds an IPv4 or IPv6 address to a NIC with the connected route of its prefix (ip addr add).
    /// ENODEV for an unknown NIC, EINVAL for a bad prefix length or a multicast/unspecified address, EEXIST when the host already has it.
    /// </summary>
    public Errno AddAddress(int nicId, IpAddress address, int prefixLength)
    {
        if (!_interfaces.TryGetValue(nicId, out var nic)) return Errno.ENODEV;
        if (prefixLength < 0 || prefixLength > address.MaxPrefixLength) return Errno.EINVAL;
        if (address.IsUnspecified || address.IsMulticast) return Errno.EINVAL;
        if (address.IsV4 && (address.V4.IsBroadcast || address.V4.IsLoopback)) return Errno.EINVAL;
        if (IsLocalAddress(address)) return Errno.EEXIST;
        if (address.IsV4)
        {
            nic.V4.Add((address.V4, prefixLength));
            _localV4.Add(address.V4, nic);
            if (prefixLength < 31) CollectionsMarshal.GetValueRefOrAddDefault(_directedBroadcastsV4, address.V4.DirectedBroadcast(prefixLength), out _)++;
        }
        else
        {
            nic.V6.Add((address.V6, prefixLength));
            _localV6.Add(address.V6, nic);
        }
        var network = address.Network(prefixLength);
        if (!HasRoute(network, prefixLength, r => r.NicId == nicId && r.IsConnected))
            _routes.Add(new Route(network, prefixLength, null, nicId));
        return Errno.None;
    }

    /// <summary>Removes an address, and its connected route when no other address of the NIC shares the prefix.</summary>
    public Errno RemoveAddress(int nicId, IpAddress address)
    {
        if (!_interfaces.TryGetValue(nicId, out var nic)) return Errno.ENODEV;
        int prefixLength;
        bool samePrefixLeft;
        if (address.IsV4)
        {
            int i = nic.V4.FindIndex(e => e.Address == address.V4);
            if (i < 0) return Errno.EINVAL;
            prefixLength = nic.V4[i].PrefixLength;
            nic.V4.RemoveAt(i);
            ForgetLocalV4(address.V4, prefixLength);
            samePrefixLeft = nic.V4.Exists(e => e.PrefixLength == prefixLength && e.Address.IsInPrefix(address.V4, prefixLength));
        }
        else
        {
            int i = nic.V6.FindIndex(e => e.Address == address.V6);
            if (i < 0) return Errno.EINVAL;
            prefixLength = nic.V6[i].PrefixLength;
            nic.V6.RemoveAt(i);
            _localV6.Remove(address.V6);
            samePrefixLeft = nic.V6.Exists(e => e.PrefixLength == prefixLength && e.Address.IsInPrefix(address.V6, prefixLength));
        }
        if (!samePrefixLeft)
        {
            var network = address.Network(prefixLength);
            _routes.RemoveAll(r => r.NicId == nicId && r.IsConnected && r.PrefixLength == prefixLength && r.Prefix == network);
        }
        return Errno.None;
    }

    /// <summary>The addresses of a NIC (empty for an unknown NIC).</summary>
    public IReadOnlyList<InterfaceAddress> GetAddresses(int nicId)
    {
        var list = new List<InterfaceAddress>();
        if (_interfaces.TryGetValue(nicId, out var nic))
        {
            foreach (var (a, l) in nic.V4) list.Add(new InterfaceAddress(a, l));
            foreach (var (a, l) in nic.V6) list.Add(new InterfaceAddress(a, l));
        }
        return list;
    }

    /// <summary>True when any NIC of this host has <paramref name="address"/>.</summary>
    public bool IsLocalAddress(IpAddress address) =>
        address.IsV4 ? FindLocalV4(address.V4) is not null : FindLocalV6(address.V6) is not null;

    private NetworkInterface? FindLocalV4(Ipv4Address address) => _localV4.GetValueOrDefault(address);

    private void ForgetLocalV4(Ipv4Address address, int prefixLength)
    {
        _localV4.Remove(address);
        if (prefixLength >= 31) return;
        var broadcast = address.DirectedBroadcast(prefixLength);
        if (--CollectionsMarshal.GetValueRefOrNullRef(_directedBroadcastsV4, broadcast) == 0) _directedBroadcastsV4.Remove(broadcast);
    }

    /// <summary>True for the directed broadcast address of any of the host's IPv4 prefixes.</summary>
    private bool IsAnyDirectedBroadcast(Ipv4Address address) => _directedBroadcastsV4.ContainsKey(address);

    private NetworkInterface? FindLocalV6(Ipv6Address address) => _localV6.GetValueOrDefault(address);

    // ---------------------------------------------------------------- routes

    /// <summary>
    /// Adds a route (ip route add). A default route is prefix 0.0.0.0/0 or ::/0. Without <paramref name="nicId"/>
    /// the NIC is the one whose connected route reaches <paramref name="gateway"/> (ENETUNREACH if none).
    /// EINVAL for mixed families or a bad prefix length, ENODEV for an unknown NIC, EEXIST for a duplicate prefix.
    /// </summary>
    public Errno AddRoute(IpAddress prefix, int prefixLength, IpAddress? gateway = null, int? nicId = null)
    {
        if (prefixLength < 0 || prefixLength > prefix.MaxPrefixLength) return Errno.EINVAL;
        if (gateway is { } g && (g.Version != prefix.Version || g.IsUnspecified || g.IsMulticast)) return Errno.EINVAL;
        int nic;
        if (nicId is { } id)
        {
            if (!_interfaces.ContainsKey(id)) return Errno.ENODEV;
            nic = id;
        }
        else
        {
            if (gateway is not { } gw) return Errno.EINVAL;
            if (!TryFindConnectedRoute(gw, out var connected)) return Errno.ENETUNREACH;
            nic = connected.NicId;
        }
        var network = prefix.Network(prefixLength);
        if (HasRoute(network, prefixLength, r => r.Gateway == gateway && r.NicId == nic))
            return Errno.EEXIST;
        _routes.Add(new Route(network, prefixLength, gateway, nic));
        return Errno.None;
    }

    /// <summary>Removes every route for exactly this prefix; false when there was none.</summary>
    public bool RemoveRoute(IpAddress prefix, int prefixLength)
    {
        if (prefixLength < 0 || prefixLength > prefix.MaxPrefixLength) return false;
        var network = prefix.Network(prefixLength);
        return _routes.RemoveAll(r => r.PrefixLength == prefixLength && r.Prefix == network) > 0;
    }

    /// <summary>Longest-prefix match over the routing table (the first added wins a tie).</summary>
    public bool TryLookupRoute(IpAddress destination, out Route route) => _routes.TryLookup(destination, connectedOnly: false, out route);

    private bool TryFindConnectedRoute(IpAddress destination, out Route route) => _routes.TryLookup(destination, connectedOnly: true, out route);

    private bool HasRoute(IpAddress network, int prefixLength, Func<Route, bool> match)
    {
        foreach (var r in _routes.For(network, prefixLength))
            if (match(r)) return true;
        return false;
    }

    // ---------------------------------------------------------------- receive

    /// <summary>
    /// A frame arrived on NIC <paramref name="nicId"/>: an Ethernet frame on TAP (its type field decides the protocol),
    /// an IP packet on TUN (<paramref name="protocol"/> decides; 0 means "use the IP version nibble").
    /// Never throws for any input; drops are counted.
    /// </summary>
    public void Receive(int nicId, ushort protocol, ReadOnlySpan<byte> frame, TimeSpan now)
    {
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            ReceiveFrame(nicId, protocol, frame, now);
            DrainLoopback(now);
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            // Counted in InternalErrors by the filter: a bug of ours must not take the owning actor down.
        }
    }

    private void ReceiveFrame(int nicId, ushort protocol, ReadOnlySpan<byte> frame, TimeSpan now)
    {
        if (!_interfaces.TryGetValue(nicId, out var nic))
        {
            Counters.Link.UnknownInterface++;
            return;
        }
        if (nic.IsTap)
        {
            if (!EthernetHeader.Check(frame))
            {
                Counters.Link.Truncated++;
                return;
            }
            var eth = EthernetHeader.Parse(frame);
            var destinationMac = eth.Destination;
            // Group frames (broadcast, IPv4/IPv6 multicast) are taken in; the IP layer decides whether they are ours.
            bool linkGroup = destinationMac.IsMulticast;
            if (!linkGroup && destinationMac != nic.Mac)
            {
                Counters.Link.OtherHost++;
                return;
            }
            var body = frame[EthernetHeader.Length..];
            switch (eth.EtherType)
            {
                case EtherType.Arp: ReceiveArp(nic, body, now); break;
                case EtherType.IPv4: ReceiveIpv4(nic, body, linkGroup, now); break;
                case EtherType.IPv6: ReceiveIpv6(nic, eth.Source, body, linkGroup, now); break;
                default: Counters.Link.UnknownProtocol++; break;
            }
            return;
        }

        if (frame.IsEmpty)
        {
            Counters.Link.Truncated++;
            return;
        }
        if (protocol == 0)
            protocol = (frame[0] >> 4) switch { 4 => EtherType.IPv4, 6 => EtherType.IPv6, _ => (ushort)0 };
        switch (protocol)
        {
            case EtherType.IPv4: ReceiveIpv4(nic, frame, false, now); break;
            case EtherType.IPv6: ReceiveIpv6(nic, MacAddress.Zero, frame, false, now); break;
            default: Counters.Link.UnknownProtocol++; break;
        }
    }

    // ---------------------------------------------------------------- timers

    /// <summary>
    /// The earliest time <see cref="OnTimer"/> has work (a resolution retry, a neighbour or reassembly expiry,
    /// packets to this host waiting for their turn); null when idle.
    /// </summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            // The actor asks after every message, so the table scan runs only when a table changed since the last ask.
            if (_tableDeadlineStale)
            {
                _tableDeadline = ScanTableDeadline();
                _tableDeadlineStale = false;
            }
            TimeSpan? best = _loopback.Count > 0 ? _lastNow : null;
            if (_tableDeadline is { } t && (best is null || t < best)) best = t;
            if (TcpNextDeadline() is { } tcp && (best is null || tcp < best)) best = tcp;
            return best;
        }
    }

    private TimeSpan? _tableDeadline;
    private bool _tableDeadlineStale = true;

    /// <summary>Call after any change to a neighbour's state or times, or to the reassembly table.</summary>
    private void TimersChanged() => _tableDeadlineStale = true;

    /// <summary>The earliest neighbour retry or expiry and reassembly deadline: a scan of both tables.</summary>
    private TimeSpan? ScanTableDeadline()
    {
        TimeSpan? best = null;
        if (_neighbourTable is { } neighbours)
        {
            foreach (var n in neighbours.Values)
            {
                TimeSpan? t = n.State switch
                {
                    NeighbourState.Incomplete => n.NextProbeAt,
                    NeighbourState.Reachable => n.ExpiresAt,
                    _ => null,
                };
                if (t is { } d && (best is null || d < best)) best = d;
            }
        }
        if (_reassemblyTable is { } reassembly)
            foreach (var r in reassembly.Values)
                if (best is null || r.Deadline < best) best = r.Deadline;
        return best;
    }

    /// <summary>Runs everything due at <paramref name="now"/>: resolution retries and failures, expiries, queued local packets.</summary>
    public void OnTimer(TimeSpan now)
    {
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            RunNeighbourTimers(now);
            RunReassemblyTimers(now);
            RunTcpTimers(now);
            DrainLoopback(now);
        }
        catch (Exception) when (IsOwnFault(depth))
        {
        }
    }

    // ---------------------------------------------------------------- plumbing

    /// <summary>
    /// Exception filter: true (and counted) for an exception raised by the stack itself; false for one thrown by an
    /// event handler, which belongs to the owner and is left to propagate. Filters run before finally blocks, so
    /// <see cref="_handlerDepth"/> still shows whether a handler was on the stack when it was thrown.
    /// </summary>
    private bool IsOwnFault(int depthAtEntry)
    {
        if (_handlerDepth != depthAtEntry) return false;
        Counters.InternalErrors++;
        return true;
    }

    private static byte[] Rent(int ipLength) => ArrayPool<byte>.Shared.Rent(Headroom + ipLength);

    private static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    private ushort NextIpId() => _nextIpId++;

    private void RaiseTransmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame)
    {
        _handlerDepth++;
        try { _events.Transmit(nicId, protocol, frame); }
        finally { _handlerDepth--; }
    }

    private void RaiseUdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload)
    {
        _handlerDepth++;
        try { _events.UdpReceived(localPort, source, sourcePort, payload); }
        finally { _handlerDepth--; }
    }

    private void RaiseUdpSendFailed(ushort localPort, IpAddress destination, Errno error)
    {
        Counters.Udp.SendFailures++;
        _handlerDepth++;
        try { _events.UdpSendFailed(localPort, destination, error); }
        finally { _handlerDepth--; }
    }

    private void RaiseIcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data)
    {
        _handlerDepth++;
        try { _events.IcmpReceived(message, data); }
        finally { _handlerDepth--; }
    }

    /// <summary>
    /// Queues a packet addressed to this host. It is processed after the current call's own work, not re-entrantly,
    /// so a handler that answers itself cannot recurse without bound.
    /// </summary>
    private void EnqueueLoopback(ReadOnlySpan<byte> packet, ushort etherType)
    {
        if (_loopback.Count >= LoopbackQueueLimit)
        {
            (etherType == EtherType.IPv4 ? Counters.Ipv4 : Counters.Ipv6).OutDiscards++;
            return;
        }
        var buffer = Rent(packet.Length);
        packet.CopyTo(buffer.AsSpan(Headroom));
        _loopback.Enqueue(new PendingPacket(buffer, packet.Length, etherType));
    }

    /// <summary>Processes up to <see cref="HostStackOptions.LoopbackBudget"/> local packets; the rest wait for the next call.</summary>
    private void DrainLoopback(TimeSpan now)
    {
        if (_drainingLoopback) return;
        _drainingLoopback = true;
        try
        {
            int budget = _options.LoopbackBudget;
            while (budget-- > 0 && _loopback.TryDequeue(out var p))
            {
                try
                {
                    var packet = p.Buffer.AsSpan(Headroom, p.Length);
                    if (p.EtherType == EtherType.IPv4) ReceiveIpv4(null, packet, false, now);
                    else ReceiveIpv6(null, MacAddress.Zero, packet, false, now);
                }
                finally
                {
                    Return(p.Buffer);
                }
            }
        }
        finally
        {
            _drainingLoopback = false;
        }
    }
}
