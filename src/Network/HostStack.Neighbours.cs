using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

public sealed partial class HostStack
{
    private enum NeighbourState
    {
        /// <summary>Requests sent, no answer yet; packets wait in the entry's queue.</summary>
        Incomplete,
        /// <summary>MAC known until <see cref="Neighbour.ExpiresAt"/>.</summary>
        Reachable,
        /// <summary>Added by <see cref="AddNeighbour"/>: never expires, never overwritten by what peers say.</summary>
        Permanent,
    }

    /// <summary>
    /// One neighbour cache entry (ARP for IPv4, NDP for IPv6, per NIC). A reduced RFC 4861 state machine:
    /// INCOMPLETE -> REACHABLE -> (expiry) gone; STALE/DELAY/PROBE are folded into "resolve again when expired".
    /// </summary>
    private sealed class Neighbour(int nicId, IpAddress address)
    {
        public int NicId { get; } = nicId;
        public IpAddress Address { get; } = address;
        public NeighbourState State { get; set; }
        public MacAddress Mac { get; set; }
        public TimeSpan ExpiresAt { get; set; }
        public TimeSpan NextProbeAt { get; set; }
        public int ProbesSent { get; set; }
        /// <summary>Source address of the requests, kept across retries.</summary>
        public IpAddress ProbeSource { get; set; }
        public Queue<PendingPacket>? Pending { get; set; }

        public bool IsUsable(TimeSpan now) =>
            State == NeighbourState.Permanent || (State == NeighbourState.Reachable && now < ExpiresAt);
    }

    /// <summary>The neighbour cache, null until its first entry (a TUN host never has one: two empty collections a host
    /// were 112 bytes, a million hosts 112 MB). Look-ups and removals read it through <c>?.</c>; entries are added only
    /// through <see cref="NeighbourTable"/>. (No shared empty table stands in for it: one that any host could add to
    /// would leak entries between hosts.)</summary>
    private Dictionary<(int NicId, IpAddress Address), Neighbour>? _neighbourTable;
    private Dictionary<(int NicId, IpAddress Address), Neighbour> NeighbourTable => _neighbourTable ??= [];

    private bool TryGetNeighbourEntry((int NicId, IpAddress Address) key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Neighbour neighbour)
    {
        if (_neighbourTable is { } table) return table.TryGetValue(key, out neighbour);
        neighbour = null;
        return false;
    }
    private List<Neighbour>? _dueNeighbours;

    /// <summary>Adds a permanent neighbour entry (ip neigh add ... nud permanent); packets waiting for it are sent.</summary>
    public Errno AddNeighbour(int nicId, IpAddress address, MacAddress mac)
    {
        if (!_interfaces.TryGetValue(nicId, out var nic)) return Errno.ENODEV;
        if (!nic.IsTap || mac.IsMulticast || address.IsMulticast || address.IsUnspecified) return Errno.EINVAL;
        if (!TryGetNeighbourEntry((nicId, address), out var n))
        {
            n = new Neighbour(nicId, address);
            NeighbourTable.Add((nicId, address), n);
        }
        n.State = NeighbourState.Permanent;
        TimersChanged();
        n.Mac = mac;
        FlushPending(nic, n);
        return Errno.None;
    }

    /// <summary>The MAC of a resolved neighbour, if the cache has a usable entry at <paramref name="now"/>.</summary>
    public bool TryGetNeighbour(int nicId, IpAddress address, TimeSpan now, out MacAddress mac)
    {
        if (TryGetNeighbourEntry((nicId, address), out var n) && n.IsUsable(now))
        {
            mac = n.Mac;
            return true;
        }
        mac = MacAddress.Zero;
        return false;
    }

    /// <summary>
    /// Puts an IP packet (at buffer[Headroom..]) on a link: as is on TUN; on TAP behind an Ethernet header to the
    /// resolved MAC of <paramref name="nextHop"/>, or to a group MAC, or queued while ARP/NDP resolves it.
    /// The buffer stays the caller's: a queued packet is copied.
    /// </summary>
    private void LinkOutput(NetworkInterface nic, IpAddress nextHop, byte[] buffer, int ipLength, ushort etherType, TimeSpan now)
    {
        // The last guard of "never above the MTU": IP fragments or refuses (EMSGSIZE, Packet Too Big) before this.
        if (ipLength > nic.Mtu)
        {
            Counters.Link.OutTooBig++;
            return;
        }
        if (!nic.IsTap)
        {
            RaiseTransmit(nic.NicId, etherType, buffer.AsSpan(Headroom, ipLength));
            return;
        }
        MacAddress destinationMac;
        if (nextHop.IsV4 && (nextHop.V4.IsBroadcast || nic.IsDirectedBroadcast(nextHop.V4)))
            destinationMac = MacAddress.Broadcast;
        else if (nextHop.IsV4 && nextHop.V4.IsMulticast)
            destinationMac = nextHop.V4.MulticastMac;
        else if (nextHop.IsV6 && nextHop.V6.IsMulticast)
            destinationMac = nextHop.V6.MulticastMac;
        else if (TryGetNeighbourEntry((nic.NicId, nextHop), out var known) && known.IsUsable(now))
            destinationMac = known.Mac;
        else
        {
            QueueForResolution(nic, nextHop, buffer, ipLength, etherType, now);
            return;
        }
        EthernetHeader.Emit(buffer, destinationMac, nic.Mac, etherType);
        RaiseTransmit(nic.NicId, etherType, buffer.AsSpan(0, Headroom + ipLength));
    }

    private void QueueForResolution(NetworkInterface nic, IpAddress nextHop, byte[] buffer, int ipLength, ushort etherType, TimeSpan now)
    {
        if (!TryGetNeighbourEntry((nic.NicId, nextHop), out var n))
        {
            if (!HasRoomForNeighbour(now))
            {
                Counters.Neighbour.TableFullDrops++;
                return;
            }
            n = new Neighbour(nic.NicId, nextHop);
            NeighbourTable.Add((nic.NicId, nextHop), n);
            TimersChanged();
        }
        if (n.State != NeighbourState.Incomplete)
        {
            // An expired entry starts over: resolve afresh rather than trust an old MAC.
            n.State = NeighbourState.Incomplete;
            TimersChanged();
            n.ProbesSent = 0;
        }
        n.Pending ??= new Queue<PendingPacket>();
        if (n.Pending.Count >= _options.PendingPacketsPerNeighbour)
        {
            // Linux drops the oldest (arp_queue): the newest packet is the one the sender still cares about.
            Return(n.Pending.Dequeue().Buffer);
            Counters.Neighbour.PendingQueueDrops++;
        }
        var copy = Rent(ipLength);
        Array.Copy(buffer, Headroom, copy, Headroom, ipLength);
        n.Pending.Enqueue(new PendingPacket(copy, ipLength, etherType));
        if (n.ProbesSent == 0)
        {
            var packet = buffer.AsSpan(Headroom, ipLength);
            n.ProbeSource = PickProbeSource(nic, nextHop, packet);
            SendProbe(nic, n, now);
        }
    }

    /// <summary>The packet's own source when the NIC has it (Linux arp_announce 0), else the NIC's best address.</summary>
    private static IpAddress PickProbeSource(NetworkInterface nic, IpAddress target, ReadOnlySpan<byte> packet)
    {
        if (target.IsV4)
        {
            var source = Ipv4Address.Read(packet[12..]);
            if (nic.HasV4(source)) return source;
            return TrySelectSourceV4(nic, target.V4, out var s) ? s : Ipv4Address.Any;
        }
        var source6 = Ipv6Address.Read(packet[8..]);
        if (nic.HasV6(source6)) return source6;
        return TrySelectSourceV6(nic, target.V6, out var s6) ? s6 : Ipv6Address.Unspecified;
    }

    /// <summary>One broadcast ARP request, or one NS to the target's solicited-node group.</summary>
    private void SendProbe(NetworkInterface nic, Neighbour n, TimeSpan now)
    {
        n.ProbesSent++;
        n.NextProbeAt = now + _options.ResolutionRetryInterval;
        TimersChanged();
        if (n.Address.IsV4)
        {
            Span<byte> frame = stackalloc byte[EthernetHeader.Length + ArpPacket.Length];
            EthernetHeader.Emit(frame, MacAddress.Broadcast, nic.Mac, EtherType.Arp);
            ArpPacket.Emit(frame[EthernetHeader.Length..], ArpOperation.Request, nic.Mac, n.ProbeSource.V4, MacAddress.Zero, n.Address.V4);
            Counters.Neighbour.ArpRequestsSent++;
            RaiseTransmit(nic.NicId, EtherType.Arp, frame);
            return;
        }
        var target = n.Address.V6;
        var source = n.ProbeSource.V6;
        var group = target.SolicitedNode;
        Span<byte> ns = stackalloc byte[EthernetHeader.Length + Ipv6Header.Length + IcmpV6.NeighborMessageLength + 8];
        var ip = ns[EthernetHeader.Length..];
        // From the unspecified address the link-layer option must be left out (RFC 4861 4.3).
        int icmpLength = IcmpV6.EmitNeighborSolicitation(ip[Ipv6Header.Length..], target, source.IsUnspecified ? null : nic.Mac, source, group);
        Ipv6Header.Emit(ip, source, group, IpProtocol.IcmpV6, icmpLength, 255);
        EthernetHeader.Emit(ns, group.MulticastMac, nic.Mac, EtherType.IPv6);
        Counters.Neighbour.SolicitationsSent++;
        Counters.IcmpV6.CountOut(IcmpV6Type.NeighborSolicitation);
        RaiseTransmit(nic.NicId, EtherType.IPv6, ns[..(EthernetHeader.Length + Ipv6Header.Length + icmpLength)]);
    }

    /// <summary>
    /// A neighbour announced its MAC. An existing entry is updated (and its queue sent); a new one is made only
    /// when <paramref name="create"/> (the message was aimed at us), as Linux does with arp_accept 0.
    /// </summary>
    private void LearnNeighbour(NetworkInterface nic, IpAddress address, MacAddress mac, bool create, TimeSpan now)
    {
        if (mac == MacAddress.Zero) return; // nothing to send to; a group-bit MAC is learned, as Linux does
        if (!TryGetNeighbourEntry((nic.NicId, address), out var n))
        {
            if (!create || !HasRoomForNeighbour(now)) return;
            n = new Neighbour(nic.NicId, address);
            NeighbourTable.Add((nic.NicId, address), n);
            TimersChanged();
        }
        if (n.State == NeighbourState.Permanent) return;
        n.State = NeighbourState.Reachable;
        n.Mac = mac;
        n.ExpiresAt = now + _options.NeighbourExpiry;
        TimersChanged();
        n.ProbesSent = 0;
        FlushPending(nic, n);
    }

    /// <summary>
    /// True when the cache may take one more entry: it is bounded (Linux gc_thresh3) so that a scan of a large
    /// subnet cannot grow it, and each entry's queue, without limit. Expired entries are purged first.
    /// </summary>
    private bool HasRoomForNeighbour(TimeSpan now)
    {
        if (_neighbourTable is not { } table || table.Count < _options.MaxNeighbours) return true;
        // Removing while enumerating is allowed for Dictionary (.NET Core 3.0+); nothing else runs in between.
        foreach (var (key, n) in table)
            if (n.State == NeighbourState.Reachable && n.ExpiresAt <= now) table.Remove(key);
        TimersChanged();
        return table.Count < _options.MaxNeighbours;
    }

    private void FlushPending(NetworkInterface nic, Neighbour n)
    {
        if (n.Pending is null) return;
        while (n.Pending.TryDequeue(out var p))
        {
            try
            {
                EthernetHeader.Emit(p.Buffer, n.Mac, nic.Mac, p.EtherType);
                RaiseTransmit(nic.NicId, p.EtherType, p.Buffer.AsSpan(0, Headroom + p.Length));
            }
            finally
            {
                Return(p.Buffer);
            }
        }
    }

    private void RunNeighbourTimers(TimeSpan now)
    {
        if (_neighbourTable is not { } table) return;
        var dueList = _dueNeighbours ??= [];
        dueList.Clear();
        foreach (var n in table.Values)
        {
            if ((n.State == NeighbourState.Incomplete && n.NextProbeAt <= now) ||
                (n.State == NeighbourState.Reachable && n.ExpiresAt <= now))
                dueList.Add(n);
        }
        if (dueList.Count == 0) return;
        // A snapshot: failing an entry sends errors that may create entries, and handlers may re-enter OnTimer.
        var due = dueList.ToArray();
        dueList.Clear();
        foreach (var n in due)
        {
            // Earlier work in this loop may have answered or removed the entry.
            if (!TryGetNeighbourEntry((n.NicId, n.Address), out var current) || current != n) continue;
            if (n.State == NeighbourState.Reachable)
            {
                if (n.ExpiresAt <= now) _neighbourTable?.Remove((n.NicId, n.Address));
                TimersChanged();
                continue;
            }
            if (n.State != NeighbourState.Incomplete || n.NextProbeAt > now) continue;
            if (n.ProbesSent < _options.ResolutionAttempts && _interfaces.TryGetValue(n.NicId, out var nic))
                SendProbe(nic, n, now);
            else
                FailResolution(n, now);
        }
    }

    /// <summary>
    /// Nobody answered: each queued packet earns its sender an ICMP host unreachable. For a packet this host
    /// originated, that error loops back and becomes EHOSTUNREACH for the UDP sender or an error for ping,
    /// as "From 10.0.0.1 Destination Host Unreachable" on Linux.
    /// </summary>
    private void FailResolution(Neighbour n, TimeSpan now)
    {
        _neighbourTable?.Remove((n.NicId, n.Address));
        TimersChanged();
        Counters.Neighbour.ResolutionFailures++;
        if (n.Pending is null) return;
        while (n.Pending.TryDequeue(out var p))
        {
            try
            {
                var packet = p.Buffer.AsSpan(Headroom, p.Length);
                if (p.EtherType == EtherType.IPv4)
                {
                    if (Ipv4Header.Check(packet))
                        SendIcmpV4Error(packet, IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.Host, 0, now);
                }
                else if (Ipv6Header.Check(packet))
                {
                    SendIcmpV6Error(packet, IcmpV6Type.DestinationUnreachable, IcmpV6UnreachableCode.AddressUnreachable, 0, now);
                }
            }
            finally
            {
                Return(p.Buffer);
            }
        }
    }

    private void RemoveNeighboursOf(int nicId)
    {
        if (_neighbourTable is not { } table) return;
        foreach (var (key, n) in table)
        {
            if (n.NicId != nicId) continue;
            table.Remove(key);
            TimersChanged();
            if (n.Pending is null) continue;
            while (n.Pending.TryDequeue(out var p)) Return(p.Buffer);
        }
    }

    // ---------------------------------------------------------------- ARP

    private void ReceiveArp(NetworkInterface nic, ReadOnlySpan<byte> body, TimeSpan now)
    {
        var c = Counters.Neighbour;
        if (!ArpPacket.Check(body))
        {
            c.ArpMalformed++;
            return;
        }
        var arp = ArpPacket.Parse(body);
        if (arp.Operation == ArpOperation.Request) c.ArpRequestsReceived++;
        else c.ArpRepliesReceived++;
        var senderIp = arp.SenderProtocolAddress;
        var senderMac = arp.SenderHardwareAddress;
        // Linux's arp_process does not look at the sender's MAC: one with the group bit set (gVisor's tun test uses
        // BB:BB:BB:BB:BB:BB) is learned like any other. A multicast or broadcast sender IP cannot be a neighbour.
        if (senderIp.IsMulticast || senderIp.IsBroadcast)
        {
            c.ArpInvalidSender++;
            return;
        }
        var targetIp = arp.TargetProtocolAddress;
        bool forUs = nic.HasV4(targetIp);
        // Someone else claiming one of our addresses is a conflict to ignore, not a neighbour to learn.
        if (!senderIp.IsUnspecified && FindLocalV4(senderIp) is null)
            LearnNeighbour(nic, senderIp, senderMac, forUs, now);
        if (arp.Operation != ArpOperation.Request || !forUs) return;
        Span<byte> reply = stackalloc byte[EthernetHeader.Length + ArpPacket.Length];
        EthernetHeader.Emit(reply, senderMac, nic.Mac, EtherType.Arp);
        ArpPacket.Emit(reply[EthernetHeader.Length..], ArpOperation.Reply, nic.Mac, targetIp, senderMac, senderIp);
        c.ArpRepliesSent++;
        RaiseTransmit(nic.NicId, EtherType.Arp, reply);
    }

    // ---------------------------------------------------------------- NDP

    /// <summary>RFC 4861 7.1.1 validation, then an NA for our target: solicited and unicast, or to all-nodes for DAD.</summary>
    private void ReceiveNeighborSolicitation(NetworkInterface? nic, MacAddress sourceMac, Ipv6Header ip, IcmpV6 icmp, TimeSpan now)
    {
        var c = Counters.Neighbour;
        // TUN is point-to-point: nothing to resolve, so NDP there is not ours to answer.
        if (nic is null || !nic.IsTap || ip.HopLimit != 255 || icmp.Code != 0 || icmp.TargetAddress.IsMulticast)
        {
            c.NdpInvalid++;
            return;
        }
        c.SolicitationsReceived++;
        var target = icmp.TargetAddress;
        if (!nic.HasV6(target)) return;
        bool hasSourceLla = icmp.TryGetLinkLayerAddress(NdpOptionType.SourceLinkLayerAddress, out var sourceLla);
        Ipv6Address to;
        MacAddress toMac;
        byte flags = (byte)(IcmpV6.NaFlagOverride | (Forwarding ? IcmpV6.NaFlagRouter : 0));
        if (ip.Source.IsUnspecified)
        {
            // Duplicate address detection: must carry no link-layer option, answered to all-nodes, not "solicited".
            if (hasSourceLla || !ip.Destination.IsSolicitedNode)
            {
                c.NdpInvalid++;
                return;
            }
            to = Ipv6Address.AllNodes;
            toMac = to.MulticastMac;
        }
        else
        {
            if (hasSourceLla) LearnNeighbour(nic, ip.Source, sourceLla, true, now);
            to = ip.Source;
            toMac = hasSourceLla ? sourceLla : sourceMac;
            flags |= IcmpV6.NaFlagSolicited;
        }
        Span<byte> frame = stackalloc byte[EthernetHeader.Length + Ipv6Header.Length + IcmpV6.NeighborMessageLength + 8];
        var packet = frame[EthernetHeader.Length..];
        int icmpLength = IcmpV6.EmitNeighborAdvertisement(packet[Ipv6Header.Length..], flags, target, nic.Mac, target, to);
        Ipv6Header.Emit(packet, target, to, IpProtocol.IcmpV6, icmpLength, 255);
        EthernetHeader.Emit(frame, toMac, nic.Mac, EtherType.IPv6);
        c.AdvertisementsSent++;
        Counters.IcmpV6.CountOut(IcmpV6Type.NeighborAdvertisement);
        RaiseTransmit(nic.NicId, EtherType.IPv6, frame[..(EthernetHeader.Length + Ipv6Header.Length + icmpLength)]);
    }

    /// <summary>RFC 4861 7.1.2 validation, then the target's MAC updates an entry we have (unsolicited NAs create none).</summary>
    private void ReceiveNeighborAdvertisement(NetworkInterface? nic, Ipv6Header ip, IcmpV6 icmp, TimeSpan now)
    {
        var c = Counters.Neighbour;
        if (nic is null || !nic.IsTap || ip.HopLimit != 255 || icmp.Code != 0 || icmp.TargetAddress.IsMulticast ||
            (ip.Destination.IsMulticast && (icmp.NeighborAdvertisementFlags & IcmpV6.NaFlagSolicited) != 0))
        {
            c.NdpInvalid++;
            return;
        }
        c.AdvertisementsReceived++;
        if (icmp.TryGetLinkLayerAddress(NdpOptionType.TargetLinkLayerAddress, out var mac))
            LearnNeighbour(nic, icmp.TargetAddress, mac, false, now);
    }
}
