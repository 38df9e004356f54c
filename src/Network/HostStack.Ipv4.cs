using System.Buffers.Binary;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

public sealed partial class HostStack
{
    /// <summary>RFC 1812 4.3.2.3: an ICMPv4 error carries as much of the invoking packet as fits in 576 bytes.</summary>
    private const int IcmpV4ErrorMaxLength = 576;

    // nic: Receiving NIC; null for a packet this host sent to itself.
    // linkGroup: The frame went to a link-layer broadcast/multicast address.
    private void ReceiveIpv4(NetworkInterface? nic, ReadOnlySpan<byte> packet, bool linkGroup, TimeSpan now)
    {
        var c = Counters.Ipv4;
        c.InReceives++;
        if (!Ipv4Header.Check(packet))
        {
            c.InHeaderErrors++;
            return;
        }
        var ip = Ipv4Header.Parse(packet);
        if (!ip.IsChecksumValid)
        {
            c.InChecksumErrors++;
            return;
        }
        var source = ip.Source;
        var destination = ip.Destination;
        if (source.IsBroadcast || source.IsMulticast)
        {
            c.InAddressErrors++; // a martian source: nobody could answer it
            return;
        }
        bool ipBroadcast = destination.IsBroadcast || (nic is not null && nic.IsDirectedBroadcast(destination));
        if (ipBroadcast || FindLocalV4(destination) is not null)
        {
            DeliverIpv4(ip, ipBroadcast || linkGroup, now);
            return;
        }
        // Multicast groups are not joined by this stack; link-layer broadcasts are never forwarded (RFC 1812 5.3.4).
        if (destination.IsMulticast || nic is null || !Forwarding || linkGroup)
        {
            c.InAddressErrors++;
            return;
        }
        ForwardIpv4(ip, now);
    }

    // toGroup: Sent to a broadcast address: no echo reply and no ICMP error (RFC 1122 3.2.2).
    private void DeliverIpv4(Ipv4Header ip, bool toGroup, TimeSpan now)
    {
        if (ip.IsFragment)
        {
            ReassembleIpv4(ip, toGroup, now);
            return;
        }
        var c = Counters.Ipv4;
        switch (ip.Protocol)
        {
            case IpProtocol.Icmp:
                c.InDelivers++;
                ReceiveIcmpV4(ip, toGroup, now);
                break;
            case IpProtocol.Udp:
                c.InDelivers++;
                ReceiveUdpV4(ip, toGroup, now);
                break;
            case IpProtocol.Tcp:
                c.InDelivers++;
                ReceiveTcpV4(ip, toGroup, now);
                break;
            default:
                c.InUnknownProtocols++;
                if (!toGroup)
                    SendIcmpV4Error(ip.Bytes, IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.Protocol, 0, now);
                break;
        }
    }

    private void ForwardIpv4(Ipv4Header ip, TimeSpan now)
    {
        var c = Counters.Ipv4;
        // RFC 1812 5.3.1: a packet arriving with TTL 1 (or 0) cannot be forwarded; the error quotes it as received.
        if (ip.Ttl <= 1)
        {
            c.TtlExceeded++;
            SendIcmpV4Error(ip.Bytes, IcmpV4Type.TimeExceeded, IcmpV4TimeExceededCode.TtlExceeded, 0, now);
            return;
        }
        if (!TryLookupRoute(ip.Destination, out var route))
        {
            c.OutNoRoutes++;
            SendIcmpV4Error(ip.Bytes, IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.Network, 0, now);
            return;
        }
        var outNic = _interfaces[route.NicId];
        if (outNic.IsDirectedBroadcast(ip.Destination))
        {
            // RFC 2644: routers do not forward directed broadcasts by default (Linux bc_forwarding 0).
            c.InAddressErrors++;
            return;
        }
        if (ip.TotalLength > outNic.Mtu && ip.DontFragment)
        {
            c.FragmentFailures++;
            c.PacketTooBig++;
            SendIcmpV4Error(ip.Bytes, IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.FragmentationNeeded, (uint)outNic.Mtu, now);
            return;
        }
        int length = ip.TotalLength;
        var buffer = Rent(length);
        try
        {
            var packet = buffer.AsSpan(Headroom, length);
            ip.Bytes.CopyTo(packet);
            Ipv4Header.SetTtl(packet, (byte)(ip.Ttl - 1));
            Ipv4Header.FillChecksum(packet);
            c.ForwardedDatagrams++;
            TransmitIpv4(outNic, route.NextHop(ip.Destination).V4, buffer, length, now);
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>
    /// Sends a packet this host built (its header complete) at buffer[Headroom..]: to itself through the loopback
    /// queue, else by route. ENETUNREACH without a route; EMSGSIZE when too big with DF set.
    /// </summary>
    private Errno OutputIpv4Local(byte[] buffer, int length, TimeSpan now)
    {
        var c = Counters.Ipv4;
        c.OutRequests++;
        var packet = buffer.AsSpan(Headroom, length);
        var destination = Ipv4Address.Read(packet[16..]);
        if (FindLocalV4(destination) is not null)
        {
            EnqueueLoopback(packet, EtherType.IPv4);
            return Errno.None;
        }
        if (!TryLookupRoute(destination, out var route))
        {
            c.OutNoRoutes++;
            return Errno.ENETUNREACH;
        }
        return TransmitIpv4(_interfaces[route.NicId], route.NextHop(destination).V4, buffer, length, now);
    }

    /// <summary>Hands a packet to the link, fragmenting it when it exceeds the MTU and DF is clear.</summary>
    private Errno TransmitIpv4(NetworkInterface nic, Ipv4Address nextHop, byte[] buffer, int length, TimeSpan now)
    {
        if (length <= nic.Mtu)
        {
            LinkOutput(nic, nextHop, buffer, length, EtherType.IPv4, now);
            return Errno.None;
        }
        var c = Counters.Ipv4;
        var ip = Ipv4Header.Parse(buffer.AsSpan(Headroom, length));
        if (ip.DontFragment)
        {
            c.FragmentFailures++;
            return Errno.EMSGSIZE;
        }
        FragmentIpv4(nic, nextHop, ip, now);
        return Errno.None;
    }

    /// <summary>
    /// RFC 791 fragmentation: every fragment but the last carries a multiple of 8 payload bytes filling the MTU;
    /// later fragments carry only the options with the copied flag. A fragment being re-fragmented keeps its offset
    /// and MF bit.
    /// </summary>
    private void FragmentIpv4(NetworkInterface nic, Ipv4Address nextHop, Ipv4Header ip, TimeSpan now)
    {
        var c = Counters.Ipv4;
        var header = ip.Header;
        Span<byte> laterHeader = stackalloc byte[60];
        int laterHeaderLength = BuildLaterFragmentHeader(header, laterHeader);
        var payload = ip.Payload;
        int baseOffset = ip.FragmentOffset;
        bool baseMore = ip.MoreFragments;
        int offset = 0;
        while (offset < payload.Length)
        {
            var fragmentHeader = offset == 0 ? header : laterHeader[..laterHeaderLength];
            int room = (nic.Mtu - fragmentHeader.Length) & ~7;
            int chunk = Math.Min(room, payload.Length - offset);
            bool more = offset + chunk < payload.Length || baseMore;
            int total = fragmentHeader.Length + chunk;
            var buffer = Rent(total);
            try
            {
                var fragment = buffer.AsSpan(Headroom, total);
                fragmentHeader.CopyTo(fragment);
                payload.Slice(offset, chunk).CopyTo(fragment[fragmentHeader.Length..]);
                Ipv4Header.SetLengthAndFragment(fragment, total, false, more, baseOffset + offset);
                c.FragmentsCreated++;
                LinkOutput(nic, nextHop, buffer, total, EtherType.IPv4, now);
            }
            finally
            {
                Return(buffer);
            }
            offset += chunk;
        }
        c.FragmentOks++;
    }

    /// <summary>Copies the fixed header and the options whose copied flag (0x80) is set, padded to 4 bytes.</summary>
    private static int BuildLaterFragmentHeader(ReadOnlySpan<byte> header, Span<byte> destination)
    {
        header[..Ipv4Header.MinLength].CopyTo(destination);
        int length = Ipv4Header.MinLength;
        var options = header[Ipv4Header.MinLength..];
        while (!options.IsEmpty)
        {
            byte type = options[0];
            if (type == 0) break; // end of option list
            if (type == 1) { options = options[1..]; continue; } // no-operation
            if (options.Length < 2 || options[1] < 2 || options[1] > options.Length) break;
            int optionLength = options[1];
            if ((type & 0x80) != 0)
            {
                options[..optionLength].CopyTo(destination[length..]);
                length += optionLength;
            }
            options = options[optionLength..];
        }
        while ((length & 3) != 0) destination[length++] = 0;
        destination[0] = (byte)(0x40 | (length / 4));
        return length;
    }

    /// <summary>
    /// Sends an ICMPv4 error about <paramref name="invoking"/> (a checked IPv4 packet) to its source, unless
    /// RFC 1122 3.2.2 forbids it: about an ICMP error, a non-first fragment, or a source that is not one host.
    /// The source address is the invoking packet's destination when that is ours, else the address facing the sender.
    /// </summary>
    private void SendIcmpV4Error(ReadOnlySpan<byte> invoking, byte type, byte code, uint restOfHeader, TimeSpan now)
    {
        var ip = Ipv4Header.Parse(invoking);
        if (ip.FragmentOffset != 0) return;
        var to = ip.Source;
        if (to.IsUnspecified || to.IsBroadcast || to.IsMulticast || IsAnyDirectedBroadcast(to)) return;
        if (ip.Protocol == IpProtocol.Icmp)
        {
            var inner = ip.Payload;
            if (inner.IsEmpty || IsIcmpV4Error(inner[0])) return;
        }
        Ipv4Address from;
        if (FindLocalV4(ip.Destination) is not null) from = ip.Destination;
        else if (!TrySelectSourceV4For(to, out from)) return;

        int quote = Math.Min(ip.Bytes.Length, IcmpV4ErrorMaxLength - Ipv4Header.MinLength - IcmpV4.HeaderLength);
        int icmpLength = IcmpV4.HeaderLength + quote;
        int total = Ipv4Header.MinLength + icmpLength;
        var buffer = Rent(total);
        try
        {
            var packet = buffer.AsSpan(Headroom, total);
            IcmpV4.EmitError(packet[Ipv4Header.MinLength..], type, code, restOfHeader, ip.Bytes[..quote]);
            Ipv4Header.Emit(packet, from, to, IpProtocol.Icmp, icmpLength, _options.DefaultTtl, NextIpId());
            Counters.IcmpV4.CountOut(type);
            OutputIpv4Local(buffer, total, now);
        }
        finally
        {
            Return(buffer);
        }
    }

    private static bool IsIcmpV4Error(byte type) =>
        type is IcmpV4Type.DestinationUnreachable or IcmpV4Type.TimeExceeded or IcmpV4Type.ParameterProblem
            or 4 /* source quench */ or 5 /* redirect */;

    /// <summary>Source address for a packet to <paramref name="destination"/>: itself when local, else from the route's NIC.</summary>
    private bool TrySelectSourceV4For(Ipv4Address destination, out Ipv4Address source)
    {
        if (FindLocalV4(destination) is not null)
        {
            source = destination;
            return true;
        }
        if (!TryLookupRoute(destination, out var route))
        {
            source = Ipv4Address.Any;
            return false;
        }
        return TrySelectSourceV4(_interfaces[route.NicId], route.NextHop(destination).V4, out source);
    }

    /// <summary>The NIC's address on the next hop's subnet, else its first address.</summary>
    private static bool TrySelectSourceV4(NetworkInterface nic, Ipv4Address nextHop, out Ipv4Address source)
    {
        foreach (var (a, len) in nic.V4)
        {
            if (nextHop.IsInPrefix(a, len))
            {
                source = a;
                return true;
            }
        }
        if (nic.V4.Count > 0)
        {
            source = nic.V4[0].Address;
            return true;
        }
        source = Ipv4Address.Any;
        return false;
    }

    private void ReceiveIcmpV4(Ipv4Header ip, bool toGroup, TimeSpan now)
    {
        var c = Counters.IcmpV4;
        var message = ip.Payload;
        if (!IcmpV4.Check(message))
        {
            c.InErrors++;
            return;
        }
        var icmp = IcmpV4.Parse(message);
        if (!icmp.IsChecksumValid)
        {
            c.InChecksumErrors++;
            return;
        }
        c.CountIn(icmp.Type);
        switch (icmp.Type)
        {
            case IcmpV4Type.EchoRequest:
                // Linux icmp_echo_ignore_broadcasts=1: broadcast pings are the smurf amplifier, not answered.
                if (!toGroup) SendEchoReplyV4(ip, icmp, now);
                break;
            case IcmpV4Type.EchoReply:
                RaiseIcmpReceived(new IcmpMessage
                {
                    Source = ip.Source,
                    Destination = ip.Destination,
                    TimeToLive = ip.Ttl,
                    Type = icmp.Type,
                    Code = icmp.Code,
                    Identifier = icmp.Identifier,
                    Sequence = icmp.SequenceNumber,
                }, icmp.Data);
                break;
            case IcmpV4Type.DestinationUnreachable or IcmpV4Type.TimeExceeded or IcmpV4Type.ParameterProblem:
                ReceiveIcmpV4Error(ip, icmp);
                break;
        }
    }

    /// <summary>Echo reply: from the address pinged, TTL <see cref="HostStackOptions.DefaultTtl"/>, a fresh IP ID, DF clear, TOS 0, data copied.</summary>
    private void SendEchoReplyV4(Ipv4Header ip, IcmpV4 request, TimeSpan now)
    {
        int icmpLength = request.Bytes.Length;
        int total = Ipv4Header.MinLength + icmpLength;
        var buffer = Rent(total);
        try
        {
            var packet = buffer.AsSpan(Headroom, total);
            IcmpV4.EmitEcho(packet[Ipv4Header.MinLength..], IcmpV4Type.EchoReply, request.Identifier, request.SequenceNumber, request.Data);
            Ipv4Header.Emit(packet, ip.Destination, ip.Source, IpProtocol.Icmp, icmpLength, _options.DefaultTtl, NextIpId());
            Counters.IcmpV4.CountOut(IcmpV4Type.EchoReply);
            OutputIpv4Local(buffer, total, now);
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>An ICMP error quoting a packet of ours: tell the owner (traceroute) and the UDP sender (errno).</summary>
    private void ReceiveIcmpV4Error(Ipv4Header ip, IcmpV4 icmp)
    {
        var quoted = icmp.Data;
        // The quote is cut short by design, so only its header is checked, not its total length.
        int quotedHeaderLength = (quoted[0] & 0x0F) * 4;
        if (quoted[0] >> 4 != 4 || quotedHeaderLength < Ipv4Header.MinLength || quotedHeaderLength > quoted.Length)
        {
            Counters.IcmpV4.InErrors++;
            return;
        }
        var originalSource = Ipv4Address.Read(quoted[12..]);
        var originalDestination = Ipv4Address.Read(quoted[16..]);
        byte protocol = quoted[9];
        if (FindLocalV4(originalSource) is null) return; // about someone else's traffic
        var transport = quoted[quotedHeaderLength..];
        var message = new IcmpMessage
        {
            Source = ip.Source,
            Destination = ip.Destination,
            TimeToLive = ip.Ttl,
            Type = icmp.Type,
            Code = icmp.Code,
            IsError = true,
            OriginalDestination = originalDestination,
            OriginalProtocol = protocol,
            Mtu = icmp.Type == IcmpV4Type.DestinationUnreachable && icmp.Code == IcmpV4UnreachableCode.FragmentationNeeded ? icmp.NextHopMtu : 0,
        };
        if (protocol == IpProtocol.Udp && transport.Length >= 4)
            message = message with { OriginalSourcePort = BinaryPrimitives.ReadUInt16BigEndian(transport), OriginalDestinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[2..]) };
        else if (protocol == IpProtocol.Icmp && transport.Length >= IcmpV4.HeaderLength && transport[0] == IcmpV4Type.EchoRequest)
            message = message with { Identifier = BinaryPrimitives.ReadUInt16BigEndian(transport[4..]), Sequence = BinaryPrimitives.ReadUInt16BigEndian(transport[6..]) };
        RaiseIcmpReceived(message, quoted);

        if (protocol == IpProtocol.Udp && transport.Length >= 4 && _boundPorts[message.OriginalSourcePort])
        {
            var error = MapIcmpV4Error(icmp.Type, icmp.Code);
            if (error != Errno.None) RaiseUdpSendFailed(message.OriginalSourcePort, originalDestination, error);
        }
        if (protocol == IpProtocol.Tcp) TcpIcmpError(originalSource, originalDestination, transport, MapIcmpV4Error(icmp.Type, icmp.Code));
    }

    /// <summary>Linux's icmp_err_convert, within the errno values <see cref="Errno"/> has.</summary>
    private static Errno MapIcmpV4Error(byte type, byte code) => type switch
    {
        IcmpV4Type.TimeExceeded => Errno.EHOSTUNREACH,
        IcmpV4Type.DestinationUnreachable => code switch
        {
            IcmpV4UnreachableCode.Network or 6 or 11 => Errno.ENETUNREACH,
            IcmpV4UnreachableCode.Port => Errno.ECONNREFUSED,
            // Linux says ENOPROTOOPT, which Errno lacks: the peer host refused the protocol.
            IcmpV4UnreachableCode.Protocol => Errno.ECONNREFUSED,
            IcmpV4UnreachableCode.FragmentationNeeded => Errno.EMSGSIZE,
            5 => Errno.EOPNOTSUPP,
            _ => Errno.EHOSTUNREACH,
        },
        _ => Errno.None,
    };
}
