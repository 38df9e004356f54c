using System.Buffers.Binary;
using NetSim.Protocol;
using NetSim.Protocol.Wire;
using static NetSim.Network.Tests.Net;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Network.Tests;

/// <summary>HostStack behaviour beyond single frames: bad input, timers, bounds, local delivery, routing.</summary>
public class BehaviourTests
{
    private static byte[] Corrupt(byte[] frame, int offset)
    {
        var copy = (byte[])frame.Clone();
        copy[offset] ^= 0x5A;
        return copy;
    }

    [Fact]
    public void Bad_ip_header_checksum_is_counted_and_dropped()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv4, Corrupt(V.EchoRequestV4Tap, 14 + 10), Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, host.Counters.Ipv4.InChecksumErrors);
        Assert.Equal(1, host.Counters.BadChecksum);
    }

    [Fact]
    public void Bad_icmp_checksum_is_counted_and_dropped()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv4, Corrupt(V.EchoRequestV4Tap, 14 + 20 + 30), Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, host.Counters.IcmpV4.InChecksumErrors);
    }

    [Fact]
    public void Bad_udp_checksum_is_counted_and_dropped()
    {
        var (host, ev) = Host1();
        host.Bind(9999, out _);
        host.Receive(1, EtherType.IPv4, Corrupt(V.UdpPeerToHostClosedPort, V.UdpPeerToHostClosedPort.Length - 1), Ms(0));
        Assert.Empty(ev.UdpReceivedList);
        Assert.Equal(1, host.Counters.Udp.InChecksumErrors);
    }

    [Fact]
    public void Bad_icmpv6_checksum_is_counted_and_dropped()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv6, Corrupt(V.EchoRequestV6Tap, V.EchoRequestV6Tap.Length - 1), Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, host.Counters.IcmpV6.InChecksumErrors);
    }

    [Fact]
    public void Truncated_frames_are_counted_as_malformed()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap.AsSpan(0, 10), Ms(0));       // short Ethernet header
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap.AsSpan(0, 14 + 19), Ms(0));  // short IP header
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap.AsSpan(0, 14 + 91), Ms(0));  // total length past the end
        host.Receive(1, EtherType.Arp, V.ArpReplyFromPeer.AsSpan(0, 14 + 27), Ms(0));    // short ARP
        host.Receive(1, EtherType.IPv6, V.EchoRequestV6Tap.AsSpan(0, 14 + 39), Ms(0));  // short IPv6 header
        Assert.Empty(ev.Transmitted);
        Assert.Equal(5, host.Counters.Malformed);
        Assert.Equal(0, host.Counters.InternalErrors);
    }

    [Fact]
    public void Ndp_with_a_hop_limit_other_than_255_is_ignored()
    {
        var (host, ev) = Host1();
        var ns = (byte[])V.NsFromPeerForHost.Clone();
        ns[14 + 7] = 64; // hop limit: an off-link forgery (RFC 4861 7.1.1); no checksum covers it
        host.Receive(1, EtherType.IPv6, ns, Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, host.Counters.Neighbour.NdpInvalid);
    }

    [Fact]
    public void Frames_for_another_mac_are_dropped_at_the_link()
    {
        var (host, ev) = Host1();
        var frame = (byte[])V.EchoRequestV4Tap.Clone();
        frame[5] = 0x99;
        host.Receive(1, EtherType.IPv4, frame, Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, host.Counters.Link.OtherHost);
    }

    [Fact]
    public void A_host_does_not_forward()
    {
        var (host, ev) = Host1();
        var frame = (byte[])V.RouterThroughIn.Clone();
        V.EchoRequestV4Tap.AsSpan(0, 12).CopyTo(frame); // to our MAC, for 10.0.2.2
        host.Receive(1, EtherType.IPv4, frame, Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, host.Counters.Ipv4.InAddressErrors);
    }

    [Fact]
    public void Unknown_nic_and_unknown_ethertype_are_counted()
    {
        var (host, _) = Host1();
        host.Receive(7, EtherType.IPv4, V.EchoRequestV4Tap, Ms(0));
        var frame = (byte[])V.EchoRequestV4Tap.Clone();
        frame[12] = 0x88; frame[13] = 0xCC; // LLDP
        host.Receive(1, 0x88CC, frame, Ms(0));
        Assert.Equal(1, host.Counters.Link.UnknownInterface);
        Assert.Equal(1, host.Counters.Link.UnknownProtocol);
    }

    [Fact]
    public void Udp_to_our_own_address_is_delivered_locally_without_touching_the_wire()
    {
        var (host, ev) = Host1();
        host.Bind(7, out _);
        host.Bind(8000, out _);
        Assert.Equal(Errno.None, host.SendUdp(8000, Host, 7, "to myself"u8, Ms(0)));
        var d = Assert.Single(ev.UdpReceivedList);
        Assert.Equal(((ushort)7, (IpAddress)Host, (ushort)8000), (d.LocalPort, d.Source, d.SourcePort));
        Assert.Equal(Errno.None, host.SendUdp(8000, Host6, 7, "to myself"u8, Ms(0)));
        Assert.Equal(2, ev.UdpReceivedList.Count);
        Assert.Empty(ev.Transmitted);
        Assert.Null(host.NextDeadline);
    }

    [Fact]
    public void Udp_to_our_own_closed_port_is_refused()
    {
        var (host, ev) = Host1();
        host.Bind(8000, out _);
        Assert.Equal(Errno.None, host.SendUdp(8000, Host, 9, "x"u8, Ms(0)));
        Assert.Equal((8000, (IpAddress)Host, Errno.ECONNREFUSED), Assert.Single(ev.UdpFailures));
        Assert.Equal(Errno.None, host.SendUdp(8000, Host6, 9, "x"u8, Ms(0)));
        Assert.Equal((8000, (IpAddress)Host6, Errno.ECONNREFUSED), ev.UdpFailures[1]);
        Assert.Empty(ev.Transmitted);
    }

    [Fact]
    public void Pinging_ourselves_gets_a_reply()
    {
        var (host, ev) = Host1();
        Assert.Equal(Errno.None, host.SendEchoRequest(Host, 1, 2, 56, Ms(0)));
        Assert.Equal(Errno.None, host.SendEchoRequest(Host6, 1, 3, 56, Ms(0)));
        Assert.Equal([(IcmpV4Type.EchoReply, (ushort)2), (IcmpV6Type.EchoReply, (ushort)3)],
            ev.Icmp.Select(i => (i.Message.Type, i.Message.Sequence)));
        Assert.Equal(56, ev.Icmp[0].Data.Length);
    }

    [Fact]
    public void A_handler_that_answers_itself_forever_cannot_hang_the_stack()
    {
        var (host, ev) = Host1(options: Options("host") with { LoopbackBudget = 100 });
        host.Bind(7, out _);
        ev.OnUdp = (port, src, srcPort, payload) => host.SendUdp(7, Host, 7, payload, Ms(0));
        host.SendUdp(7, Host, 7, "ping-pong"u8, Ms(0));
        Assert.Equal(100, ev.UdpReceivedList.Count);
        Assert.Equal(Ms(0), host.NextDeadline); // the rest waits for the owner's timer
        host.OnTimer(Ms(0));
        Assert.Equal(200, ev.UdpReceivedList.Count);
    }

    [Fact]
    public void Send_without_a_route_is_enetunreach()
    {
        var (host, _) = Host1();
        host.Bind(8000, out _);
        Assert.Equal(Errno.ENETUNREACH, host.SendUdp(8000, Ipv4Address.Parse("192.0.2.1"), 9, "x"u8, Ms(0)));
        Assert.Equal(Errno.ENETUNREACH, host.SendEchoRequest(Ipv6Address.Parse("2001:db8:99::1"), 1, 1, 8, Ms(0)));
        Assert.Equal(2, host.Counters.Ipv4.OutNoRoutes + host.Counters.Ipv6.OutNoRoutes);
    }

    [Fact]
    public void Longest_prefix_wins()
    {
        var (host, _) = Host1();
        Assert.Equal(Errno.None, host.AddRoute(Ipv4Address.Any, 0, Ipv4Address.Parse("10.0.0.254")));
        Assert.Equal(Errno.None, host.AddRoute(Ipv4Address.Parse("192.168.0.0"), 16, Ipv4Address.Parse("10.0.0.253")));
        Assert.Equal(Errno.None, host.AddRoute(Ipv4Address.Parse("192.168.7.0"), 24, Ipv4Address.Parse("10.0.0.252")));
        Assert.Equal(Errno.ENETUNREACH, host.AddRoute(Ipv4Address.Parse("172.16.0.0"), 12, Ipv4Address.Parse("10.9.9.9")));
        Assert.Equal(Errno.EEXIST, host.AddRoute(Ipv4Address.Any, 0, Ipv4Address.Parse("10.0.0.254")));

        IpAddress Via(string dst) => host.TryLookupRoute(IpAddress.Parse(dst), out var r) ? r.NextHop(IpAddress.Parse(dst)) : default;
        Assert.Equal(IpAddress.Parse("10.0.0.252"), Via("192.168.7.9"));
        Assert.Equal(IpAddress.Parse("10.0.0.253"), Via("192.168.8.9"));
        Assert.Equal(IpAddress.Parse("10.0.0.254"), Via("8.8.8.8"));
        Assert.Equal(IpAddress.Parse("10.0.0.77"), Via("10.0.0.77")); // connected: the destination itself
        Assert.True(host.RemoveRoute(Ipv4Address.Parse("192.168.7.0"), 24));
        Assert.Equal(IpAddress.Parse("10.0.0.253"), Via("192.168.7.9"));
    }

    [Fact]
    public void Default_route_sends_through_the_gateway_mac()
    {
        var (host, ev) = Host1();
        host.AddRoute(Ipv4Address.Any, 0, Peer);
        host.AddNeighbour(1, Peer, PeerMac);
        host.Bind(40000, out _);
        host.SendUdp(40000, Ipv4Address.Parse("198.51.100.7"), 53, "q"u8, Ms(0));
        var frame = ev.Take().Single();
        Assert.Equal(PeerMac, MacAddress.Read(frame));
        Assert.Equal(Ipv4Address.Parse("198.51.100.7"), Ipv4Address.Read(frame.AsSpan(14 + 16)));
    }

    [Fact]
    public void Resolved_neighbours_expire_and_are_resolved_again()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.Arp, V.ArpRequestFromPeer, Ms(0));
        ev.Take();
        Assert.Equal(TimeSpan.FromSeconds(30), host.NextDeadline);
        host.OnTimer(TimeSpan.FromSeconds(30));
        Assert.False(host.TryGetNeighbour(1, Peer, TimeSpan.FromSeconds(30), out _));
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, TimeSpan.FromSeconds(31));
        SameFrames([V.ArpRequestForPeer], ev.Take());
    }

    [Fact]
    public void The_pending_queue_is_bounded_and_drops_the_oldest()
    {
        var (host, ev) = Host1(options: Options("host") with { PendingPacketsPerNeighbour = 2 });
        host.Bind(40000, out _);
        for (int i = 0; i < 5; i++)
            Assert.Equal(Errno.None, host.SendUdp(40000, Silent, (ushort)(100 + i), "x"u8, Ms(0)));
        Assert.Equal(1, host.Counters.Neighbour.ArpRequestsSent); // one resolution, not one per packet
        Assert.Equal(3, host.Counters.Neighbour.PendingQueueDrops);
        for (int t = 1; t <= 3; t++) host.OnTimer(TimeSpan.FromSeconds(t));
        Assert.Equal(2, ev.UdpFailures.Count);
        Assert.Equal([(ushort)103, (ushort)104], ev.Icmp.Select(i => i.Message.OriginalDestinationPort));
    }

    [Fact]
    public void Reassembly_times_out_with_time_exceeded_to_the_sender()
    {
        var (host, ev) = Host1();
        host.AddNeighbour(1, Peer, PeerMac);
        host.Bind(7000, out _);
        host.Receive(1, EtherType.IPv4, V.UdpFragmentsPeerToHost[0], Ms(0));
        host.Receive(1, EtherType.IPv4, V.UdpFragmentsPeerToHost[2], Ms(10));
        Assert.Equal(TimeSpan.FromSeconds(30), host.NextDeadline);
        host.OnTimer(TimeSpan.FromSeconds(30));
        var frame = ev.Take().Single();
        var ip = frame.AsSpan(14);
        Assert.Equal(IpProtocol.Icmp, ip[9]);
        Assert.Equal((IcmpV4Type.TimeExceeded, IcmpV4TimeExceededCode.FragmentReassembly), (ip[20], ip[21]));
        // The error quotes the first fragment (as received, up to 576 bytes in all).
        Assert.Equal(V.UdpFragmentsPeerToHost[0].AsSpan(14, 548).ToArray(), ip[28..].ToArray());
        Assert.Equal(1, host.Counters.Ipv4.ReassemblyFailures);
        Assert.Equal(1, host.Counters.Ipv4.ReassemblyTimeouts);
        Assert.Empty(ev.UdpReceivedList);
        Assert.Null(host.NextDeadline);
    }

    [Fact]
    public void Reassembly_holds_a_bounded_number_of_datagrams()
    {
        var (host, _) = Host1(options: Options("host") with { MaxReassemblyDatagrams = 2 });
        for (ushort id = 1; id <= 3; id++)
        {
            var f = (byte[])V.UdpFragmentsPeerToHost[0].Clone();
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 4), id);
            Ipv4Header.FillChecksum(f.AsSpan(14));
            host.Receive(1, EtherType.IPv4, f, Ms(id));
        }
        Assert.Equal(1, host.Counters.Ipv4.ReassemblyFailures); // the oldest was evicted
    }

    [Fact]
    public void Reassembly_holds_a_bounded_number_of_bytes()
    {
        var (host, _) = Host1(options: Options("host") with { MaxReassemblyBytes = 2000 });
        host.Receive(1, EtherType.IPv4, V.UdpFragmentsPeerToHost[0], Ms(0));
        host.Receive(1, EtherType.IPv4, V.UdpFragmentsPeerToHost[1], Ms(0));
        Assert.Equal(1, host.Counters.Ipv4.ReassemblyFailures);
        Assert.Equal(0, host.Counters.Ipv4.ReassemblyOks);
    }

    [Fact]
    public void Overlapping_fragments_discard_the_datagram()
    {
        var (host, ev) = Host1();
        host.Bind(7000, out _);
        host.Receive(1, EtherType.IPv4, V.UdpFragmentsPeerToHost[0], Ms(0));
        var overlapping = (byte[])V.UdpFragmentsPeerToHost[1].Clone();
        BinaryPrimitives.WriteUInt16BigEndian(overlapping.AsSpan(14 + 6), (ushort)(0x2000 | (1472 / 8)));
        Ipv4Header.FillChecksum(overlapping.AsSpan(14));
        host.Receive(1, EtherType.IPv4, overlapping, Ms(0));
        Assert.Equal(1, host.Counters.Ipv4.ReassemblyFailures);
        Assert.Empty(ev.UdpReceivedList);
    }

    [Fact]
    public void Exceptions_thrown_by_handlers_reach_the_caller()
    {
        var (host, ev) = Host1();
        ev.OnTransmit = (_, _) => throw new InvalidOperationException("owner's bug");
        Assert.Throws<InvalidOperationException>(() => host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, Ms(0)));
        Assert.Equal(0, host.Counters.InternalErrors);
    }

    [Fact]
    public void Bind_picks_distinct_ephemeral_ports_and_refuses_duplicates()
    {
        var (host, _) = Host1();
        Assert.Equal(Errno.None, host.Bind(0, out var p1));
        Assert.Equal(Errno.None, host.Bind(0, out var p2));
        Assert.NotEqual(p1, p2);
        Assert.InRange(p1, (ushort)32768, (ushort)60999);
        Assert.Equal(Errno.EADDRINUSE, host.Bind(p1, out _));
        Assert.True(host.Unbind(p1));
        Assert.False(host.Unbind(p1));
        Assert.Equal(Errno.None, host.Bind(p1, out _));
    }

    [Fact]
    public void Configuration_errors_are_errnos()
    {
        var (host, _) = Host1();
        Assert.Equal(Errno.EEXIST, host.AddInterface(1, "again", true, PeerMac, 1500));
        Assert.Equal(Errno.EINVAL, host.AddInterface(2, "tiny", false, MacAddress.Zero, 67));
        Assert.Equal(Errno.ENODEV, host.AddAddress(9, Peer, 24));
        Assert.Equal(Errno.EEXIST, host.AddAddress(1, Host, 24));
        Assert.Equal(Errno.EINVAL, host.AddAddress(1, Ipv4Address.Parse("10.0.0.9"), 33));
        Assert.Equal(Errno.ENODEV, host.RemoveInterface(9));
        Assert.Equal(Errno.None, host.RemoveInterface(1));
        Assert.Empty(host.Routes);
        Assert.False(host.IsLocalAddress(Host));
    }

    [Fact]
    public void Tap_interfaces_get_an_eui64_link_local_address()
    {
        var (host, _) = Host1();
        Assert.Contains(new InterfaceAddress(Ipv6Address.Parse("fe80::ff:fe00:1"), 64), host.GetAddresses(1));
    }

    [Fact]
    public void The_neighbour_cache_is_bounded()
    {
        var (host, ev) = Host1(options: Options("host") with { MaxNeighbours = 4 });
        host.Bind(40000, out _);
        for (int i = 10; i < 20; i++)
            host.SendUdp(40000, new Ipv4Address(10, 0, 0, (byte)i), 9, "scan"u8, Ms(0));
        Assert.Equal(4, host.Counters.Neighbour.ArpRequestsSent);
        Assert.Equal(6, host.Counters.Neighbour.TableFullDrops);
        for (int t = 1; t <= 3; t++) host.OnTimer(TimeSpan.FromSeconds(t));
        Assert.Equal(4, ev.UdpFailures.Count); // room again once they failed
        host.SendUdp(40000, new Ipv4Address(10, 0, 0, 30), 9, "scan"u8, TimeSpan.FromSeconds(3));
        Assert.Equal(4 * 3 + 1, host.Counters.Neighbour.ArpRequestsSent); // 3 attempts each, then the new one
    }

    [Fact]
    public void A_router_does_not_forward_directed_broadcasts()
    {
        var (router, ev) = Router();
        var frame = (byte[])V.RouterThroughIn.Clone();
        new Ipv4Address(10, 0, 2, 255).Write(frame.AsSpan(14 + 16));
        Ipv4Header.FillChecksum(frame.AsSpan(14));
        router.Receive(1, EtherType.IPv4, frame, Ms(0));
        Assert.Empty(ev.Transmitted);
        Assert.Equal(1, router.Counters.Ipv4.InAddressErrors);
    }

    [Fact]
    public void An_arp_claiming_our_own_address_is_not_learned()
    {
        var (host, ev) = Host1();
        var frame = (byte[])V.ArpRequestFromPeer.Clone();
        Host.Write(frame.AsSpan(14 + 14)); // sender IP: ours
        host.Receive(1, EtherType.Arp, frame, Ms(0));
        Assert.False(host.TryGetNeighbour(1, Host, Ms(0), out _));
    }

    [Fact]
    public void Failing_resolutions_with_a_full_cache_and_a_re_entering_handler_stay_consistent()
    {
        // Failing one entry sends an error that needs resolving, while the cache is full and a handler re-enters
        // OnTimer: the timer walk must not trip over its own changes.
        var (host, ev) = Host1(options: Options("host", forwarding: true) with { MaxNeighbours = 2 });
        host.AddInterface(2, "tap1", true, MacAddress.Parse("02:00:00:00:00:11"), 1500);
        host.AddAddress(2, Ipv4Address.Parse("10.9.0.1"), 24);
        var now = TimeSpan.Zero;
        ev.OnTransmit = (_, _) => host.OnTimer(now);
        foreach (var frame in new[] { V.RouterThroughIn, V.RouterProbeTtl1 })
        {
            var f = (byte[])frame.Clone();
            V.EchoRequestV4Tap.AsSpan(0, 12).CopyTo(f);           // to our MAC
            new Ipv4Address(10, 0, 0, 2).Write(f.AsSpan(14 + 12)); // from the peer on NIC 1
            new Ipv4Address(10, 9, 0, 7).Write(f.AsSpan(14 + 16)); // to a silent host on NIC 2
            f[14 + 8] = 64;
            Ipv4Header.FillChecksum(f.AsSpan(14));
            host.Receive(1, EtherType.IPv4, f, now);
        }
        for (int s = 1; s <= 8; s++)
        {
            now = TimeSpan.FromSeconds(s);
            host.OnTimer(now);
        }
        Assert.Equal(0, host.Counters.InternalErrors);
        // 10.9.0.7 never answers; the host unreachable errors then wait on 10.0.0.2, which never answers either.
        Assert.Equal(2, host.Counters.Neighbour.ResolutionFailures);
        Assert.Null(host.NextDeadline);
    }
}
