using NetSim.Protocol;
using NetSim.Protocol.Wire;
using static NetSim.Network.Tests.Net;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Network.Tests;

/// <summary>
/// HostStack driven byte for byte against frames built by scapy, an independent implementation
/// (tests/Protocol.Tests/Vectors/make_vectors.py writes ScapyVectors.cs). The echo request is 92 bytes of IP:
/// 20 header + 8 ICMP + 64 data bytes 0x00..0x3F. Rules the expected frames encode: originated packets have
/// TTL/hop limit 64, DF clear, TOS 0, and IP IDs from a counter starting at InitialIpId (0x1000) - an echo reply
/// takes a fresh ID, it does not copy the request's.
/// </summary>
public class ScapyScenarioTests
{
    [Fact]
    public void Ping_over_tap_resolves_the_sender_with_arp_then_replies()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, Ms(0));
        SameFrames([V.ArpRequestForPeer], ev.Take());

        // The reply waited in the neighbour queue and leaves as soon as the ARP reply arrives.
        host.Receive(1, EtherType.Arp, V.ArpReplyFromPeer, Ms(5));
        SameFrames([V.EchoReplyV4TapFirst], ev.Take());

        // Resolved now: a second request is answered at once, with the next IP ID.
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, Ms(1000));
        SameFrames([V.EchoReplyV4TapSecond], ev.Take());

        var c = host.Counters;
        Assert.Equal(1, c.Neighbour.ArpRequestsSent);
        Assert.Equal(1, c.Neighbour.ArpRepliesReceived);
        Assert.Equal(2, c.IcmpV4.InType(IcmpV4Type.EchoRequest));
        Assert.Equal(2, c.IcmpV4.OutType(IcmpV4Type.EchoReply));
        Assert.Equal(0, c.Malformed + c.BadChecksum + c.InternalErrors);
    }

    [Fact]
    public void Ping_over_tap_transmits_with_the_protocol_of_each_frame()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, Ms(0));
        host.Receive(1, EtherType.Arp, V.ArpReplyFromPeer, Ms(1));
        Assert.Equal([EtherType.Arp, EtherType.IPv4], ev.Transmitted.Select(t => t.Protocol));
        Assert.All(ev.Transmitted, t => Assert.Equal(1, t.NicId));
    }

    [Fact]
    public void Arp_request_for_our_address_is_answered_and_teaches_us_the_sender()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.Arp, V.ArpRequestFromPeer, Ms(0));
        SameFrames([V.ArpReplyFromHost], ev.Take());
        Assert.True(host.TryGetNeighbour(1, Peer, Ms(1), out var mac));
        Assert.Equal(PeerMac, mac);
        // The learned entry serves the echo reply without another ARP.
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, Ms(2));
        SameFrames([V.EchoReplyV4TapFirst], ev.Take());
    }

    [Theory]
    [InlineData(EtherType.IPv4)]
    [InlineData((ushort)0)] // NO_PI: the IP version nibble decides
    public void Ping_over_tun_replies_without_arp(ushort protocol)
    {
        var (host, ev) = Host1(tap: false);
        host.Receive(1, protocol, V.EchoRequestV4, Ms(0));
        SameFrames([V.EchoReplyV4First], ev.Take());
        Assert.Equal(0, host.Counters.Neighbour.ArpRequestsSent);
    }

    [Fact]
    public void Ping6_over_tap_resolves_the_sender_with_ndp_then_replies()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv6, V.EchoRequestV6Tap, Ms(0));
        SameFrames([V.NsFromHostForPeer], ev.Take());
        host.Receive(1, EtherType.IPv6, V.NaFromPeer, Ms(3));
        SameFrames([V.EchoReplyV6Tap], ev.Take());
        Assert.Equal(1, host.Counters.Neighbour.SolicitationsSent);
        Assert.Equal(1, host.Counters.Neighbour.AdvertisementsReceived);
        Assert.Equal(1, host.Counters.IcmpV6.OutType(IcmpV6Type.EchoReply));
    }

    [Fact]
    public void Neighbor_solicitation_for_our_address_is_answered_solicited_and_override()
    {
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv6, V.NsFromPeerForHost, Ms(0));
        SameFrames([V.NaFromHostForPeer], ev.Take());
        Assert.True(host.TryGetNeighbour(1, Peer6, Ms(1), out var mac));
        Assert.Equal(PeerMac, mac);
    }

    [Fact]
    public void Ping6_over_tun_replies_without_ndp()
    {
        var (host, ev) = Host1(tap: false);
        host.Receive(1, EtherType.IPv6, V.EchoRequestV6, Ms(0));
        SameFrames([V.EchoReplyV6], ev.Take());
    }

    [Fact]
    public void Udp_send_to_a_resolved_peer_matches_scapy()
    {
        var (host, ev) = Host1();
        host.AddNeighbour(1, Peer, PeerMac);
        Assert.Equal(Errno.None, host.Bind(40000, out _));
        Assert.Equal(Errno.None, host.SendUdp(40000, Peer, 7, "hello, scapy"u8, Ms(0)));
        SameFrames([V.UdpHostToPeer], ev.Take());
    }

    [Fact]
    public void Udp_to_a_silent_neighbour_fails_with_ehostunreach_after_the_arp_retries()
    {
        var (host, ev) = Host1();
        Assert.Equal(Errno.None, host.Bind(40000, out _));
        Assert.Equal(Errno.None, host.SendUdp(40000, Silent, 7, "anyone?"u8, Ms(0)));
        SameFrames([V.ArpRequestForSilent], ev.Take());
        Assert.Equal(Ms(1000), host.NextDeadline);

        host.OnTimer(Ms(1000));
        SameFrames([V.ArpRequestForSilent], ev.Take());
        host.OnTimer(Ms(2000));
        SameFrames([V.ArpRequestForSilent], ev.Take());
        Assert.Empty(ev.UdpFailures);

        host.OnTimer(Ms(3000));
        Assert.Empty(ev.Take()); // the host unreachable error goes to ourselves, not onto the wire
        var failure = Assert.Single(ev.UdpFailures);
        Assert.Equal((40000, (IpAddress)Silent, Errno.EHOSTUNREACH), failure);
        var icmp = Assert.Single(ev.Icmp).Message;
        Assert.Equal(IcmpV4Type.DestinationUnreachable, icmp.Type);
        Assert.Equal(IcmpV4UnreachableCode.Host, icmp.Code);
        Assert.Equal((IpAddress)Host, icmp.Source);
        Assert.Equal(3, host.Counters.Neighbour.ArpRequestsSent);
        Assert.Equal(1, host.Counters.Neighbour.ResolutionFailures);
        Assert.Null(host.NextDeadline);
    }

    [Fact]
    public void Udp_to_a_closed_port_gets_port_unreachable()
    {
        var (host, ev) = Host1();
        host.AddNeighbour(1, Peer, PeerMac);
        host.Receive(1, EtherType.IPv4, V.UdpPeerToHostClosedPort, Ms(0));
        SameFrames([V.PortUnreachableFromHost], ev.Take());
        Assert.Equal(1, host.Counters.Udp.NoPorts);
    }

    [Fact]
    public void Udp_to_a_bound_port_is_delivered()
    {
        var (host, ev) = Host1();
        Assert.Equal(Errno.None, host.Bind(9999, out _));
        host.Receive(1, EtherType.IPv4, V.UdpPeerToHostClosedPort, Ms(0));
        var d = Assert.Single(ev.UdpReceivedList);
        Assert.Equal((ushort)9999, d.LocalPort);
        Assert.Equal((IpAddress)Peer, d.Source);
        Assert.Equal((ushort)5555, d.SourcePort);
        Assert.Equal("nobody listens"u8.ToArray(), d.Payload);
        Assert.Empty(ev.Take());
    }

    [Fact]
    public void Router_answers_ttl_1_with_time_exceeded()
    {
        var (router, ev) = Router();
        router.Receive(1, EtherType.IPv4, V.RouterProbeTtl1, Ms(0));
        SameFrames([V.RouterTimeExceeded], ev.Take());
        Assert.Equal(1, router.Counters.Ipv4.TtlExceeded);
        Assert.Equal(0, router.Counters.Forwarded);
    }

    [Fact]
    public void Router_forwards_with_ttl_decremented()
    {
        var (router, ev) = Router();
        router.Receive(1, EtherType.IPv4, V.RouterThroughIn, Ms(0));
        Assert.Equal(2, ev.Transmitted.Single().NicId);
        SameFrames([V.RouterThroughOut], ev.Take());
        Assert.Equal(1, router.Counters.Forwarded);
    }

    [Fact]
    public void Router_without_a_route_answers_net_unreachable()
    {
        var (router, ev) = Router();
        router.Receive(1, EtherType.IPv4, V.RouterNoRouteIn, Ms(0));
        SameFrames([V.RouterNetUnreachable], ev.Take());
        Assert.Equal(1, router.Counters.Ipv4.OutNoRoutes);
    }

    [Fact]
    public void Router_answers_too_big_with_df_by_fragmentation_needed()
    {
        var (router, ev) = Router(mtu2: 600);
        router.Receive(1, EtherType.IPv4, V.RouterBigDfIn, Ms(0));
        SameFrames([V.RouterFragNeeded], ev.Take());
        Assert.Equal(1, router.Counters.Ipv4.FragmentFailures);
    }

    [Fact]
    public void Router_fragments_too_big_without_df()
    {
        var (router, ev) = Router(mtu2: 600);
        router.Receive(1, EtherType.IPv4, V.RouterBigIn, Ms(0));
        SameFrames(V.RouterBigFragmentsOut, ev.Take());
        Assert.Equal(2, router.Counters.Ipv4.FragmentsCreated);
        Assert.Equal(1, router.Counters.Ipv4.FragmentOks);
    }

    [Fact]
    public void Router_answers_hop_limit_1_with_icmpv6_time_exceeded()
    {
        var (router, ev) = Router();
        router.Receive(1, EtherType.IPv6, V.RouterProbeV6HopLimit1, Ms(0));
        SameFrames([V.RouterTimeExceededV6], ev.Take());
        Assert.Equal(1, router.Counters.Ipv6.TtlExceeded);
    }

    [Fact]
    public void Router_answers_too_big_ipv6_with_packet_too_big()
    {
        var (router, ev) = Router(mtu2: 1280);
        router.Receive(1, EtherType.IPv6, V.RouterBigV6In, Ms(0));
        SameFrames([V.RouterPacketTooBigV6], ev.Take());
        Assert.Equal(1, router.Counters.Ipv6.PacketTooBig);
    }

    [Fact]
    public void Fragments_arriving_out_of_order_are_reassembled()
    {
        var (host, ev) = Host1();
        host.Bind(7000, out _);
        foreach (var f in V.UdpFragmentsPeerToHost.Reverse())
            host.Receive(1, EtherType.IPv4, f, Ms(0));
        var d = Assert.Single(ev.UdpReceivedList);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray(), d.Payload);
        Assert.Equal(1, host.Counters.Ipv4.ReassemblyOks);
        Assert.Equal(3, host.Counters.Ipv4.ReassemblyRequired);
        Assert.Null(host.NextDeadline);
    }

    [Fact]
    public void Ipv6_fragments_are_reassembled()
    {
        var (host, ev) = Host1();
        host.Bind(7000, out _);
        Assert.Equal(3, V.UdpFragmentsV6PeerToHost.Length);
        foreach (var f in new[] { V.UdpFragmentsV6PeerToHost[1], V.UdpFragmentsV6PeerToHost[2], V.UdpFragmentsV6PeerToHost[0] })
            host.Receive(1, EtherType.IPv6, f, Ms(0));
        var d = Assert.Single(ev.UdpReceivedList);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray(), d.Payload);
        Assert.Equal(1, host.Counters.Ipv6.ReassemblyOks);
    }

    [Fact]
    public void Large_udp_sends_are_fragmented_at_the_source()
    {
        var (host, ev) = Host1();
        host.AddNeighbour(1, Peer, PeerMac);
        host.AddNeighbour(1, Peer6, PeerMac);
        host.Bind(40000, out _);
        var big = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(Errno.None, host.SendUdp(40000, Peer, 7000, big, Ms(0)));
        SameFrames(V.UdpFragmentsHostToPeer, ev.Take());
        Assert.Equal(Errno.None, host.SendUdp(40000, Peer6, 7000, big, Ms(0)));
        SameFrames(V.UdpFragmentsV6HostToPeer, ev.Take());
    }
}
