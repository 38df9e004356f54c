using NetSim.Protocol;
using NetSim.Protocol.Wire;
using static NetSim.Network.Tests.Net;

namespace NetSim.Network.Tests;

/// <summary>
/// Stacks wired together by a tiny in-memory link: frames a stack transmits are queued and delivered to the
/// other end after the current call returns, as a NIC queue would. Exercises the stacks against each other:
/// traceroute, UDP through a router, IPv6 end to end with NDP both ways.
/// </summary>
public class TwoHostTests
{
    private sealed class Wire
    {
        private readonly Dictionary<(RecordingEvents, int), (HostStack, int)> _ends = [];
        private readonly Dictionary<RecordingEvents, HostStack> _owners = [];
        private readonly Queue<(HostStack To, int Nic, ushort Protocol, byte[] Frame)> _inFlight = new();

        public void Own(HostStack stack, RecordingEvents events)
        {
            _owners[events] = stack;
            events.OnTransmit = (nic, frame) =>
            {
                if (_ends.TryGetValue((events, nic), out var peer))
                    _inFlight.Enqueue((peer.Item1, peer.Item2, (ushort)(frame[12] << 8 | frame[13]), frame));
            };
        }

        public void Connect(RecordingEvents a, int nicA, RecordingEvents b, int nicB)
        {
            _ends[(a, nicA)] = (_owners[b], nicB);
            _ends[(b, nicB)] = (_owners[a], nicA);
        }

        public void Pump(TimeSpan now)
        {
            for (int guard = 0; guard < 10_000 && _inFlight.TryDequeue(out var f); guard++)
                f.To.Receive(f.Nic, f.Protocol, f.Frame, now);
        }
    }

    private static (HostStack Host, RecordingEvents HostEvents, HostStack Router, RecordingEvents RouterEvents, HostStack B, RecordingEvents BEvents, Wire Wire) Build()
    {
        var wire = new Wire();
        var hostEvents = new RecordingEvents();
        var host = new HostStack(Options("a"), hostEvents);
        host.AddInterface(1, "eth0", true, AMac, 1500);
        host.AddAddress(1, A, 24);
        host.AddAddress(1, A6, 64);
        host.AddRoute(Ipv4Address.Any, 0, R1);
        host.AddRoute(Ipv6Address.Unspecified, 0, Ipv6Address.Parse("2001:db8:1::1"));

        var routerEvents = new RecordingEvents();
        var router = new HostStack(Options("r", forwarding: true), routerEvents);
        router.AddInterface(1, "eth1", true, R1Mac, 1500);
        router.AddInterface(2, "eth2", true, R2Mac, 1500);
        router.AddAddress(1, R1, 24);
        router.AddAddress(2, R2, 24);
        router.AddAddress(1, Ipv6Address.Parse("2001:db8:1::1"), 64);
        router.AddAddress(2, Ipv6Address.Parse("2001:db8:2::1"), 64);

        var bEvents = new RecordingEvents();
        var b = new HostStack(Options("b"), bEvents);
        b.AddInterface(1, "eth0", true, BMac, 1500);
        b.AddAddress(1, B, 24);
        b.AddAddress(1, B6, 64);
        b.AddRoute(Ipv4Address.Any, 0, R2);
        b.AddRoute(Ipv6Address.Unspecified, 0, Ipv6Address.Parse("2001:db8:2::1"));

        wire.Own(host, hostEvents);
        wire.Own(router, routerEvents);
        wire.Own(b, bEvents);
        wire.Connect(hostEvents, 1, routerEvents, 1);
        wire.Connect(routerEvents, 2, bEvents, 1);
        return (host, hostEvents, router, routerEvents, b, bEvents, wire);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Traceroute_with_echo_probes_finds_the_router_then_the_target(bool ipv6)
    {
        var (host, ev, _, _, _, _, wire) = Build();
        IpAddress target = ipv6 ? B6 : B;
        for (byte ttl = 1; ttl <= 2; ttl++)
        {
            Assert.Equal(Errno.None, host.SendEchoRequest(target, 77, ttl, 32, Ms(ttl), ttl));
            wire.Pump(Ms(ttl));
        }
        Assert.Equal(2, ev.Icmp.Count);
        var hop1 = ev.Icmp[0].Message;
        Assert.True(hop1.IsError);
        Assert.Equal(ipv6 ? IcmpV6Type.TimeExceeded : IcmpV4Type.TimeExceeded, hop1.Type);
        Assert.Equal(ipv6 ? IpAddress.Parse("2001:db8:1::1") : (IpAddress)R1, hop1.Source);
        Assert.Equal(((ushort)77, (ushort)1, target), (hop1.Identifier, hop1.Sequence, hop1.OriginalDestination));
        var hop2 = ev.Icmp[1].Message;
        Assert.False(hop2.IsError);
        Assert.Equal(ipv6 ? IcmpV6Type.EchoReply : IcmpV4Type.EchoReply, hop2.Type);
        Assert.Equal((target, (ushort)2, (byte)63), (hop2.Source, hop2.Sequence, hop2.TimeToLive));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Udp_crosses_the_router_both_ways(bool ipv6)
    {
        var (host, ev, router, _, b, bEvents, wire) = Build();
        host.Bind(40000, out _);
        b.Bind(53, out _);
        bEvents.OnUdp = (port, src, srcPort, payload) => b.SendUdp(port, src, srcPort, payload.Reverse().ToArray(), Ms(1));
        IpAddress target = ipv6 ? B6 : B;
        Assert.Equal(Errno.None, host.SendUdp(40000, target, 53, "query"u8, Ms(0)));
        wire.Pump(Ms(1));
        var answer = Assert.Single(ev.UdpReceivedList);
        Assert.Equal("yreuq"u8.ToArray(), answer.Payload);
        Assert.Equal(target, answer.Source);
        Assert.Equal(2, router.Counters.Forwarded);
    }

    [Fact]
    public void Udp_to_a_closed_port_across_the_router_is_econnrefused()
    {
        var (host, ev, _, _, _, _, wire) = Build();
        host.Bind(40000, out _);
        host.SendUdp(40000, B, 9, "x"u8, Ms(0));
        wire.Pump(Ms(1));
        Assert.Equal((40000, (IpAddress)B, Errno.ECONNREFUSED), Assert.Single(ev.UdpFailures));
    }

    [Fact]
    public void Udp_to_a_missing_host_behind_the_router_is_ehostunreach()
    {
        var (host, ev, router, _, _, _, wire) = Build();
        host.Bind(40000, out _);
        var missing = Ipv4Address.Parse("10.0.2.99");
        host.SendUdp(40000, missing, 9, "x"u8, Ms(0));
        wire.Pump(Ms(0));
        for (int s = 1; s <= 3; s++)
        {
            router.OnTimer(TimeSpan.FromSeconds(s));
            wire.Pump(TimeSpan.FromSeconds(s));
        }
        Assert.Equal((40000, (IpAddress)missing, Errno.EHOSTUNREACH), Assert.Single(ev.UdpFailures));
        Assert.Equal(R1, ev.Icmp.Single().Message.Source.V4);
    }

    [Fact]
    public void Fragmented_udp_through_a_small_mtu_link_is_reassembled_at_the_target()
    {
        var (host, _, router, _, b, bEvents, wire) = Build();
        router.SetMtu(2, 576);
        b.SetMtu(1, 576);
        host.Bind(40000, out _);
        b.Bind(7000, out _);
        var big = Enumerable.Range(0, 4000).Select(i => (byte)i).ToArray();
        host.SendUdp(40000, B, 7000, big, Ms(0));
        wire.Pump(Ms(0));
        Assert.Equal(big, Assert.Single(bEvents.UdpReceivedList).Payload);
        Assert.True(router.Counters.Ipv4.FragmentsCreated > 3);
        Assert.Equal(1, b.Counters.Ipv4.ReassemblyOks);
    }

    [Fact]
    public void Udp_to_a_network_the_router_cannot_reach_is_enetunreach()
    {
        var (host, ev, router, _, _, _, wire) = Build();
        host.Bind(40000, out _);
        var nowhere = Ipv4Address.Parse("192.0.2.1");
        Assert.Equal(Errno.None, host.SendUdp(40000, nowhere, 9, "x"u8, Ms(0))); // the host has a default route
        wire.Pump(Ms(0));
        Assert.Equal((40000, (IpAddress)nowhere, Errno.ENETUNREACH), Assert.Single(ev.UdpFailures));
        Assert.Equal(1, router.Counters.Ipv4.OutNoRoutes);
    }

    [Fact]
    public void Ping_with_dont_fragment_learns_the_next_hop_mtu()
    {
        var (host, ev, router, _, _, _, wire) = Build();
        router.SetMtu(2, 1000);
        Assert.Equal(Errno.None, host.SendEchoRequest(B, 5, 1, 1400, Ms(0), dontFragment: true));
        wire.Pump(Ms(0));
        var error = Assert.Single(ev.Icmp).Message;
        Assert.Equal((IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.FragmentationNeeded, 1000),
            (error.Type, error.Code, error.Mtu));
        Assert.Equal(((ushort)5, (ushort)1), (error.Identifier, error.Sequence));
        // Larger than our own MTU with DF: refused at once, like ping -M do -s 2000.
        Assert.Equal(Errno.EMSGSIZE, host.SendEchoRequest(B, 5, 2, 2000, Ms(1), dontFragment: true));
    }

    [Fact]
    public void Udp_broadcast_on_the_subnet_is_delivered_and_never_answered_with_an_error()
    {
        var wire = new Wire();
        var (one, oneEvents) = Host1();
        var twoEvents = new RecordingEvents();
        var two = new HostStack(Options("two"), twoEvents);
        two.AddInterface(1, "tap0", true, PeerMac, 1500);
        two.AddAddress(1, Peer, 24);
        wire.Own(one, oneEvents);
        wire.Own(two, twoEvents);
        wire.Connect(oneEvents, 1, twoEvents, 1);
        one.Bind(68, out _);
        two.Bind(67, out _);

        Assert.Equal(Errno.None, two.SendUdp(67, Ipv4Address.Parse("10.0.0.255"), 68, "offer"u8, Ms(0)));
        Assert.Equal(MacAddress.Broadcast, MacAddress.Read(twoEvents.Transmitted.Single().Frame));
        wire.Pump(Ms(0));
        var d = Assert.Single(oneEvents.UdpReceivedList);
        Assert.Equal(((ushort)68, (IpAddress)Peer, "offer"), (d.LocalPort, d.Source, System.Text.Encoding.ASCII.GetString(d.Payload)));

        // To a port nobody bound: counted, but a broadcast never earns a port unreachable.
        two.SendUdp(67, Ipv4Address.Parse("10.0.0.255"), 69, "offer"u8, Ms(1));
        wire.Pump(Ms(1));
        Assert.Equal(1, one.Counters.Udp.NoPorts);
        Assert.Empty(oneEvents.Transmitted);
        Assert.Empty(twoEvents.UdpFailures);
    }
}
