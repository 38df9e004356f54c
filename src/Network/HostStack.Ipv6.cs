using System.Buffers.Binary;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

public sealed partial class HostStack
{
    private const byte DestinationOptions = 60;
    /// <summary>RFC 4443 2.4(c): an ICMPv6 error fills at most the minimum MTU.</summary>
    private const int IcmpV6ErrorMaxLength = Ipv6Header.MinimumMtu;

    // nic: Receiving NIC; null for a packet this host sent to itself.
    // sourceMac: Ethernet source of the frame (TAP), used to answer an NS without a link-layer option.
    private void ReceiveIpv6(NetworkInterface? nic, MacAddress sourceMac, ReadOnlySpan<byte> packet, bool linkGroup, TimeSpan now)
    {
        var c = Counters.Ipv6;
        c.InReceives++;
        if (!Ipv6Header.Check(packet))
        {
            c.InHeaderErrors++;
            return;
        }
        var ip = Ipv6Header.Parse(packet);
        if (ip.Source.IsMulticast)
        {
            c.InAddressErrors++;
            return;
        }
        var destination = ip.Destination;
        if (destination.IsMulticast)
        {
            if (IsListeningV6(nic, destination)) DeliverIpv6(nic, sourceMac, ip, true, now);
            else c.InAddressErrors++;
            return;
        }
        if (FindLocalV6(destination) is not null)
        {
            DeliverIpv6(nic, sourceMac, ip, linkGroup, now);
            return;
        }
        // Link-local traffic never leaves its link (RFC 4291 2.5.6).
        if (nic is null || !Forwarding || linkGroup || destination.IsLinkLocal || ip.Source.IsLinkLocal)
        {
            c.InAddressErrors++;
            return;
        }
        ForwardIpv6(ip, now);
    }

    /// <summary>Groups this host listens to: all-nodes, all-routers when forwarding, solicited-node of the NIC's addresses.</summary>
    private bool IsListeningV6(NetworkInterface? nic, Ipv6Address group)
    {
        if (group == Ipv6Address.AllNodes || group == new Ipv6Address(0xFF01_0000_0000_0000UL, 1)) return true;
        if (Forwarding && group == Ipv6Address.AllRouters) return true;
        return nic is not null && group.IsSolicitedNode && nic.IsSolicitedNodeOfOurs(group);
    }

    /// <summary>Walks hop-by-hop and destination options (ignored), then hands the upper layer its bytes.</summary>
    private void DeliverIpv6(NetworkInterface? nic, MacAddress sourceMac, Ipv6Header ip, bool toGroup, TimeSpan now)
    {
        var c = Counters.Ipv6;
        var bytes = ip.Bytes;
        byte next = ip.NextHeader;
        int offset = Ipv6Header.Length;
        int nextHeaderField = 6;
        while (true)
        {
            switch (next)
            {
                case IpProtocol.HopByHop or DestinationOptions:
                    if (bytes.Length < offset + 2 || offset + (bytes[offset + 1] + 1) * 8 > bytes.Length)
                    {
                        c.InHeaderErrors++;
                        return;
                    }
                    nextHeaderField = offset;
                    next = bytes[offset];
                    offset += (bytes[offset + 1] + 1) * 8;
                    continue;
                case IpProtocol.Ipv6Fragment:
                    ReassembleIpv6(nic, sourceMac, ip, offset, toGroup, now);
                    return;
                case IpProtocol.IcmpV6:
                    c.InDelivers++;
                    ReceiveIcmpV6(nic, sourceMac, ip, bytes[offset..], toGroup, now);
                    return;
                case IpProtocol.Udp:
                    c.InDelivers++;
                    ReceiveUdpV6(ip, bytes[offset..], toGroup, now);
                    return;
                case IpProtocol.Tcp:
                    c.InDelivers++;
                    ReceiveTcpV6(ip, bytes[offset..], toGroup, now);
                    return;
                case IpProtocol.NoNextHeader:
                    c.InDelivers++;
                    return;
                default:
                    c.InUnknownProtocols++;
                    if (!toGroup)
                        SendIcmpV6Error(bytes, IcmpV6Type.ParameterProblem, IcmpV6ParameterProblemCode.UnrecognizedNextHeader, (uint)nextHeaderField, now);
                    return;
            }
        }
    }

    private void ForwardIpv6(Ipv6Header ip, TimeSpan now)
    {
        var c = Counters.Ipv6;
        if (ip.HopLimit <= 1)
        {
            c.TtlExceeded++;
            SendIcmpV6Error(ip.Bytes, IcmpV6Type.TimeExceeded, IcmpV6TimeExceededCode.HopLimitExceeded, 0, now);
            return;
        }
        if (!TryLookupRoute(ip.Destination, out var route))
        {
            c.OutNoRoutes++;
            SendIcmpV6Error(ip.Bytes, IcmpV6Type.DestinationUnreachable, IcmpV6UnreachableCode.NoRoute, 0, now);
            return;
        }
        var outNic = _interfaces[route.NicId];
        int length = ip.Bytes.Length;
        // Routers never fragment IPv6 (RFC 8200 5): the source learns the path MTU from Packet Too Big.
        if (length > outNic.Mtu)
        {
            c.PacketTooBig++;
            SendIcmpV6Error(ip.Bytes, IcmpV6Type.PacketTooBig, 0, (uint)outNic.Mtu, now);
            return;
        }
        var buffer = Rent(length);
        try
        {
            var packet = buffer.AsSpan(Headroom, length);
            ip.Bytes.CopyTo(packet);
            Ipv6Header.SetHopLimit(packet, (byte)(ip.HopLimit - 1));
            c.ForwardedDatagrams++;
            LinkOutput(outNic, route.NextHop(ip.Destination), buffer, length, EtherType.IPv6, now);
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>
    /// Sends a packet this host built at buffer[Headroom..]: to itself through the loopback queue, to a link-local
    /// or multicast destination on <paramref name="scope"/> when given, else by route; fragments it at the source
    /// when it exceeds the MTU (the only place IPv6 fragments).
    /// </summary>
    private Errno OutputIpv6Local(byte[] buffer, int length, TimeSpan now, NetworkInterface? scope = null)
    {
        var c = Counters.Ipv6;
        c.OutRequests++;
        var packet = buffer.AsSpan(Headroom, length);
        var destination = Ipv6Address.Read(packet[24..]);
        if (FindLocalV6(destination) is not null)
        {
            EnqueueLoopback(packet, EtherType.IPv6);
            return Errno.None;
        }
        NetworkInterface nic;
        IpAddress nextHop;
        if (scope is not null && (destination.IsLinkLocal || destination.IsMulticast))
        {
            nic = scope;
            nextHop = destination;
        }
        else if (TryLookupRoute(destination, out var route))
        {
            nic = _interfaces[route.NicId];
            nextHop = route.NextHop(destination);
        }
        else
        {
            c.OutNoRoutes++;
            return Errno.ENETUNREACH;
        }
        if (length <= nic.Mtu)
        {
            LinkOutput(nic, nextHop, buffer, length, EtherType.IPv6, now);
            return Errno.None;
        }
        FragmentIpv6(nic, nextHop, packet, now);
        return Errno.None;
    }

    /// <summary>
    /// Source fragmentation (RFC 8200 4.5): the fixed header is the unfragmentable part (this stack emits no
    /// extension headers), each fragment carries a Fragment header and a multiple of 8 bytes but the last.
    /// </summary>
    private void FragmentIpv6(NetworkInterface nic, IpAddress nextHop, ReadOnlySpan<byte> packet, TimeSpan now)
    {
        var c = Counters.Ipv6;
        byte nextHeader = packet[6];
        var fragmentable = packet[Ipv6Header.Length..];
        uint id = _nextIpv6FragmentId++;
        int room = (nic.Mtu - Ipv6Header.Length - Ipv6FragmentHeader.Length) & ~7;
        int offset = 0;
        while (offset < fragmentable.Length)
        {
            int chunk = Math.Min(room, fragmentable.Length - offset);
            bool more = offset + chunk < fragmentable.Length;
            int total = Ipv6Header.Length + Ipv6FragmentHeader.Length + chunk;
            var buffer = Rent(total);
            try
            {
                var fragment = buffer.AsSpan(Headroom, total);
                packet[..Ipv6Header.Length].CopyTo(fragment);
                Ipv6Header.SetPayload(fragment, IpProtocol.Ipv6Fragment, Ipv6FragmentHeader.Length + chunk);
                Ipv6FragmentHeader.Emit(fragment[Ipv6Header.Length..], nextHeader, offset, more, id);
                fragmentable.Slice(offset, chunk).CopyTo(fragment[(Ipv6Header.Length + Ipv6FragmentHeader.Length)..]);
                c.FragmentsCreated++;
                LinkOutput(nic, nextHop, buffer, total, EtherType.IPv6, now);
            }
            finally
            {
                Return(buffer);
            }
            offset += chunk;
        }
        c.FragmentOks++;
    }

    /// <summary>
    /// Sends an ICMPv6 error about <paramref name="invoking"/> (a checked IPv6 packet) unless RFC 4443 2.4(e)
    /// forbids it: about an ICMPv6 error, to a multicast destination (Packet Too Big excepted), from an
    /// unspecified or multicast source.
    /// </summary>
    private void SendIcmpV6Error(ReadOnlySpan<byte> invoking, byte type, byte code, uint parameter, TimeSpan now)
    {
        var ip = Ipv6Header.Parse(invoking);
        var to = ip.Source;
        if (to.IsUnspecified || to.IsMulticast) return;
        if (ip.Destination.IsMulticast && type != IcmpV6Type.PacketTooBig) return;
        if (ip.NextHeader == IpProtocol.IcmpV6)
        {
            var inner = ip.Payload;
            if (inner.IsEmpty || inner[0] < 128) return;
        }
        Ipv6Address from;
        if (FindLocalV6(ip.Destination) is not null) from = ip.Destination;
        else if (!TrySelectSourceV6For(to, out from)) return;

        int quote = Math.Min(ip.Bytes.Length, IcmpV6ErrorMaxLength - Ipv6Header.Length - IcmpV6.HeaderLength);
        int icmpLength = IcmpV6.HeaderLength + quote;
        int total = Ipv6Header.Length + icmpLength;
        var buffer = Rent(total);
        try
        {
            var packet = buffer.AsSpan(Headroom, total);
            IcmpV6.EmitError(packet[Ipv6Header.Length..], type, code, parameter, ip.Bytes[..quote], from, to);
            Ipv6Header.Emit(packet, from, to, IpProtocol.IcmpV6, icmpLength, _options.DefaultHopLimit);
            Counters.IcmpV6.CountOut(type);
            OutputIpv6Local(buffer, total, now);
        }
        finally
        {
            Return(buffer);
        }
    }

    private bool TrySelectSourceV6For(Ipv6Address destination, out Ipv6Address source)
    {
        if (FindLocalV6(destination) is not null)
        {
            source = destination;
            return true;
        }
        if (!TryLookupRoute(destination, out var route))
        {
            source = Ipv6Address.Unspecified;
            return false;
        }
        return TrySelectSourceV6(_interfaces[route.NicId], destination, out source);
    }

    /// <summary>
    /// RFC 6724 in brief: link-local for a link-local destination; else an address on the destination's prefix,
    /// else the first global address, else link-local.
    /// </summary>
    private static bool TrySelectSourceV6(NetworkInterface nic, Ipv6Address destination, out Ipv6Address source)
    {
        Ipv6Address? linkLocal = null, global = null;
        foreach (var (a, len) in nic.V6)
        {
            if (a.IsLinkLocal)
            {
                linkLocal ??= a;
                continue;
            }
            if (!destination.IsLinkLocal && destination.IsInPrefix(a, len))
            {
                source = a;
                return true;
            }
            global ??= a;
        }
        var pick = destination.IsLinkLocal ? linkLocal ?? global : global ?? linkLocal;
        source = pick ?? Ipv6Address.Unspecified;
        return pick is not null;
    }

    private void ReceiveIcmpV6(NetworkInterface? nic, MacAddress sourceMac, Ipv6Header ip, ReadOnlySpan<byte> message, bool toGroup, TimeSpan now)
    {
        var c = Counters.IcmpV6;
        if (!IcmpV6.Check(message))
        {
            c.InErrors++;
            return;
        }
        var icmp = IcmpV6.Parse(message);
        if (!icmp.IsChecksumValid(ip.Source, ip.Destination))
        {
            c.InChecksumErrors++;
            return;
        }
        c.CountIn(icmp.Type);
        switch (icmp.Type)
        {
            case IcmpV6Type.EchoRequest:
                if (!toGroup) SendEchoReplyV6(nic, ip, icmp, now);
                break;
            case IcmpV6Type.EchoReply:
                RaiseIcmpReceived(new IcmpMessage
                {
                    Source = ip.Source,
                    Destination = ip.Destination,
                    TimeToLive = ip.HopLimit,
                    Type = icmp.Type,
                    Code = icmp.Code,
                    Identifier = icmp.Identifier,
                    Sequence = icmp.SequenceNumber,
                }, icmp.Data);
                break;
            case IcmpV6Type.NeighborSolicitation:
                ReceiveNeighborSolicitation(nic, sourceMac, ip, icmp, now);
                break;
            case IcmpV6Type.NeighborAdvertisement:
                ReceiveNeighborAdvertisement(nic, ip, icmp, now);
                break;
            case < 128:
                ReceiveIcmpV6Error(ip, icmp);
                break;
        }
    }

    /// <summary>Echo reply: from the address pinged, hop limit <see cref="HostStackOptions.DefaultHopLimit"/>, data copied.</summary>
    private void SendEchoReplyV6(NetworkInterface? nic, Ipv6Header ip, IcmpV6 request, TimeSpan now)
    {
        int icmpLength = request.Bytes.Length;
        int total = Ipv6Header.Length + icmpLength;
        var buffer = Rent(total);
        try
        {
            var packet = buffer.AsSpan(Headroom, total);
            IcmpV6.EmitEcho(packet[Ipv6Header.Length..], IcmpV6Type.EchoReply, request.Identifier, request.SequenceNumber, request.Data, ip.Destination, ip.Source);
            Ipv6Header.Emit(packet, ip.Destination, ip.Source, IpProtocol.IcmpV6, icmpLength, _options.DefaultHopLimit);
            Counters.IcmpV6.CountOut(IcmpV6Type.EchoReply);
            OutputIpv6Local(buffer, total, now, nic);
        }
        finally
        {
            Return(buffer);
        }
    }

    private void ReceiveIcmpV6Error(Ipv6Header ip, IcmpV6 icmp)
    {
        var quoted = icmp.Data;
        if (quoted[0] >> 4 != 6)
        {
            Counters.IcmpV6.InErrors++;
            return;
        }
        var originalSource = Ipv6Address.Read(quoted[8..]);
        var originalDestination = Ipv6Address.Read(quoted[24..]);
        byte protocol = quoted[6];
        if (FindLocalV6(originalSource) is null) return;
        var transport = quoted[Ipv6Header.Length..];
        var message = new IcmpMessage
        {
            Source = ip.Source,
            Destination = ip.Destination,
            TimeToLive = ip.HopLimit,
            Type = icmp.Type,
            Code = icmp.Code,
            IsError = true,
            OriginalDestination = originalDestination,
            OriginalProtocol = protocol,
            Mtu = icmp.Type == IcmpV6Type.PacketTooBig ? (int)Math.Min(icmp.Mtu, int.MaxValue) : 0,
        };
        if (protocol == IpProtocol.Udp && transport.Length >= 4)
            message = message with { OriginalSourcePort = BinaryPrimitives.ReadUInt16BigEndian(transport), OriginalDestinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[2..]) };
        else if (protocol == IpProtocol.IcmpV6 && transport.Length >= IcmpV6.HeaderLength && transport[0] == IcmpV6Type.EchoRequest)
            message = message with { Identifier = BinaryPrimitives.ReadUInt16BigEndian(transport[4..]), Sequence = BinaryPrimitives.ReadUInt16BigEndian(transport[6..]) };
        RaiseIcmpReceived(message, quoted);

        if (protocol == IpProtocol.Udp && transport.Length >= 4 && _boundPorts[message.OriginalSourcePort])
        {
            var error = MapIcmpV6Error(icmp.Type, icmp.Code);
            if (error != Errno.None) RaiseUdpSendFailed(message.OriginalSourcePort, originalDestination, error);
        }
        if (protocol == IpProtocol.Tcp) TcpIcmpError(originalSource, originalDestination, transport, MapIcmpV6Error(icmp.Type, icmp.Code));
    }

    /// <summary>Linux's icmpv6_err_convert, within the errno values <see cref="Errno"/> has.</summary>
    private static Errno MapIcmpV6Error(byte type, byte code) => type switch
    {
        IcmpV6Type.DestinationUnreachable => code switch
        {
            IcmpV6UnreachableCode.NoRoute => Errno.ENETUNREACH,
            IcmpV6UnreachableCode.PortUnreachable => Errno.ECONNREFUSED,
            _ => Errno.EHOSTUNREACH,
        },
        IcmpV6Type.PacketTooBig => Errno.EMSGSIZE,
        IcmpV6Type.TimeExceeded => Errno.EHOSTUNREACH,
        _ => Errno.None,
    };
}
