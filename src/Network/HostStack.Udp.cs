using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

public sealed partial class HostStack
{
    /// <summary>
    /// Binds a UDP port on every address of both families. Port 0 picks a free ephemeral port (seeded random start
    /// in the ephemeral range, then the next free one). EADDRINUSE when taken, or when the range is exhausted.
    /// </summary>
    public Errno Bind(ushort port, out ushort boundPort)
    {
        boundPort = 0;
        if (port != 0)
        {
            if (_boundPorts[port]) return Errno.EADDRINUSE;
            _boundPorts[port] = true;
            boundPort = port;
            return Errno.None;
        }
        int first = _options.EphemeralPortFirst, count = _options.EphemeralPortLast - first + 1;
        int start = RandomSource.Next(count);
        for (int i = 0; i < count; i++)
        {
            int candidate = first + (start + i) % count;
            if (_boundPorts[candidate]) continue;
            _boundPorts[candidate] = true;
            boundPort = (ushort)candidate;
            return Errno.None;
        }
        return Errno.EADDRINUSE;
    }

    /// <summary>Releases a port; false when it was not bound.</summary>
    public bool Unbind(ushort port)
    {
        if (port == 0 || !_boundPorts[port]) return false;
        _boundPorts[port] = false;
        return true;
    }

    public bool IsBound(ushort port) => _boundPorts[port];

    /// <summary>
    /// Sends a UDP datagram. The returned errno covers what is known at once: EINVAL (port 0, bad destination),
    /// ENETUNREACH (no route), EMSGSIZE (over 65507 bytes of IPv4 payload). Later failures (neighbour silent,
    /// ICMP errors) arrive through <see cref="IHostStackEvents.UdpSendFailed"/> when the source port is bound.
    /// Oversized datagrams are fragmented at the source (DF clear for IPv4).
    /// </summary>
    public Errno SendUdp(ushort sourcePort, IpAddress destination, ushort destinationPort, ReadOnlySpan<byte> payload, TimeSpan now, byte? ttl = null)
    {
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            var result = SendUdpCore(sourcePort, destination, destinationPort, payload, now, ttl);
            DrainLoopback(now);
            return result;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    private Errno SendUdpCore(ushort sourcePort, IpAddress destination, ushort destinationPort, ReadOnlySpan<byte> payload, TimeSpan now, byte? ttl)
    {
        if (sourcePort == 0 || destinationPort == 0 || destination.IsUnspecified || destination.IsMulticast) return Errno.EINVAL;
        int udpLength = UdpHeader.Length + payload.Length;
        if (destination.IsV4)
        {
            if (Ipv4Header.MinLength + udpLength > Ipv4Header.MaxPacketLength) return Errno.EMSGSIZE;
            var to = destination.V4;
            if (to.IsBroadcast) return Errno.EINVAL; // SO_BROADCAST is not modelled
            if (!TrySelectSourceV4For(to, out var from))
            {
                Counters.Ipv4.OutNoRoutes++;
                return Errno.ENETUNREACH;
            }
            int total = Ipv4Header.MinLength + udpLength;
            var buffer = Rent(total);
            try
            {
                var packet = buffer.AsSpan(Headroom, total);
                UdpHeader.Emit(packet[Ipv4Header.MinLength..], sourcePort, destinationPort, payload, UdpHeader.PseudoHeader(from, to, udpLength));
                Ipv4Header.Emit(packet, from, to, IpProtocol.Udp, udpLength, ttl ?? _options.DefaultTtl, NextIpId());
                Counters.Udp.OutDatagrams++;
                return OutputIpv4Local(buffer, total, now);
            }
            finally
            {
                Return(buffer);
            }
        }
        else
        {
            if (udpLength > 65535) return Errno.EMSGSIZE;
            var to = destination.V6;
            if (!TrySelectSourceV6For(to, out var from))
            {
                Counters.Ipv6.OutNoRoutes++;
                return Errno.ENETUNREACH;
            }
            int total = Ipv6Header.Length + udpLength;
            var buffer = Rent(total);
            try
            {
                var packet = buffer.AsSpan(Headroom, total);
                UdpHeader.Emit(packet[Ipv6Header.Length..], sourcePort, destinationPort, payload, UdpHeader.PseudoHeader(from, to, udpLength));
                Ipv6Header.Emit(packet, from, to, IpProtocol.Udp, udpLength, ttl ?? _options.DefaultHopLimit);
                Counters.Udp.OutDatagrams++;
                return OutputIpv6Local(buffer, total, now);
            }
            finally
            {
                Return(buffer);
            }
        }
    }

    /// <summary>
    /// Sends an ICMP (v4 or v6, by the destination) echo request with <paramref name="payloadSize"/> bytes of
    /// payload filled 0x00, 0x01, ... (wrapping), as ping's pattern does after its timestamp.
    /// </summary>
    public Errno SendEchoRequest(IpAddress destination, ushort identifier, ushort sequence, int payloadSize, TimeSpan now,
        byte? ttl = null, bool dontFragment = false)
    {
        if (payloadSize < 0 || payloadSize > 65535 - Ipv4Header.MinLength - IcmpV4.HeaderLength) return Errno.EMSGSIZE;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(payloadSize);
        try
        {
            var payload = buffer.AsSpan(0, payloadSize);
            for (int i = 0; i < payload.Length; i++) payload[i] = (byte)i;
            return SendEchoRequest(destination, identifier, sequence, payload, now, ttl, dontFragment);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends an echo request carrying <paramref name="payload"/> (ping puts its send time there). The reply or an
    /// ICMP error comes back through <see cref="IHostStackEvents.IcmpReceived"/>. <paramref name="ttl"/> makes it a
    /// traceroute probe; <paramref name="dontFragment"/> is ping -M do (IPv4 only: IPv6 routers never fragment).
    /// ENETUNREACH without a route; EMSGSIZE when too big with DF.
    /// </summary>
    public Errno SendEchoRequest(IpAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, TimeSpan now,
        byte? ttl = null, bool dontFragment = false)
    {
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            var result = SendEchoCore(destination, identifier, sequence, payload, now, ttl, dontFragment);
            DrainLoopback(now);
            return result;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    private Errno SendEchoCore(IpAddress destination, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload, TimeSpan now,
        byte? ttl, bool dontFragment)
    {
        if (destination.IsUnspecified || destination.IsMulticast) return Errno.EINVAL;
        if (destination.IsV4)
        {
            var to = destination.V4;
            int icmpLength = IcmpV4.HeaderLength + payload.Length;
            int total = Ipv4Header.MinLength + icmpLength;
            if (total > Ipv4Header.MaxPacketLength) return Errno.EMSGSIZE;
            if (!TrySelectSourceV4For(to, out var from))
            {
                Counters.Ipv4.OutNoRoutes++;
                return Errno.ENETUNREACH;
            }
            var buffer = Rent(total);
            try
            {
                var packet = buffer.AsSpan(Headroom, total);
                IcmpV4.EmitEcho(packet[Ipv4Header.MinLength..], IcmpV4Type.EchoRequest, identifier, sequence, payload);
                Ipv4Header.Emit(packet, from, to, IpProtocol.Icmp, icmpLength, ttl ?? _options.DefaultTtl, NextIpId(), dontFragment);
                Counters.IcmpV4.CountOut(IcmpV4Type.EchoRequest);
                return OutputIpv4Local(buffer, total, now);
            }
            finally
            {
                Return(buffer);
            }
        }
        else
        {
            var to = destination.V6;
            int icmpLength = IcmpV6.HeaderLength + payload.Length;
            if (icmpLength > 65535) return Errno.EMSGSIZE;
            if (!TrySelectSourceV6For(to, out var from))
            {
                Counters.Ipv6.OutNoRoutes++;
                return Errno.ENETUNREACH;
            }
            int total = Ipv6Header.Length + icmpLength;
            var buffer = Rent(total);
            try
            {
                var packet = buffer.AsSpan(Headroom, total);
                IcmpV6.EmitEcho(packet[Ipv6Header.Length..], IcmpV6Type.EchoRequest, identifier, sequence, payload, from, to);
                Ipv6Header.Emit(packet, from, to, IpProtocol.IcmpV6, icmpLength, ttl ?? _options.DefaultHopLimit);
                Counters.IcmpV6.CountOut(IcmpV6Type.EchoRequest);
                return OutputIpv6Local(buffer, total, now);
            }
            finally
            {
                Return(buffer);
            }
        }
    }

    private void ReceiveUdpV4(Ipv4Header ip, bool toGroup, TimeSpan now)
    {
        var c = Counters.Udp;
        if (!UdpHeader.Check(ip.Payload))
        {
            c.InErrors++;
            return;
        }
        var udp = UdpHeader.Parse(ip.Payload);
        if (!udp.IsChecksumValidV4(ip.Source, ip.Destination))
        {
            c.InChecksumErrors++;
            return;
        }
        if (_boundPorts[udp.DestinationPort])
        {
            c.InDatagrams++;
            RaiseUdpReceived(udp.DestinationPort, ip.Source, udp.SourcePort, udp.Payload);
            return;
        }
        c.NoPorts++;
        if (!toGroup)
            SendIcmpV4Error(ip.Bytes, IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.Port, 0, now);
    }

    private void ReceiveUdpV6(Ipv6Header ip, ReadOnlySpan<byte> datagram, bool toGroup, TimeSpan now)
    {
        var c = Counters.Udp;
        if (!UdpHeader.Check(datagram))
        {
            c.InErrors++;
            return;
        }
        var udp = UdpHeader.Parse(datagram);
        if (!udp.IsChecksumValidV6(ip.Source, ip.Destination))
        {
            c.InChecksumErrors++;
            return;
        }
        if (_boundPorts[udp.DestinationPort])
        {
            c.InDatagrams++;
            RaiseUdpReceived(udp.DestinationPort, ip.Source, udp.SourcePort, udp.Payload);
            return;
        }
        c.NoPorts++;
        if (!toGroup)
            SendIcmpV6Error(ip.Bytes, IcmpV6Type.DestinationUnreachable, IcmpV6UnreachableCode.PortUnreachable, 0, now);
    }
}
