using NetSim.Protocol;
using NetSim.Protocol.Wire;
using static NetSim.Network.Tests.Net;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Network.Tests;

/// <summary>Drops the stack makes have reasons, it never transmits above a NIC's MTU, and ARP follows Linux's arp_process.</summary>
public class ConservationTests
{
    private static readonly MacAddress GroupBitMac = MacAddress.Parse("BB:BB:BB:BB:BB:BB");

    /// <summary>An ARP reply from the peer whose sender MAC is <paramref name="mac"/> (Ethernet source too).</summary>
    private static byte[] ArpReplyFrom(MacAddress mac)
    {
        var frame = (byte[])V.ArpReplyFromPeer.Clone();
        mac.Write(frame.AsSpan(6));           // Ethernet source
        mac.Write(frame.AsSpan(14 + 8));      // ARP sender hardware address
        return frame;
    }

    [Fact]
    public void Arp_from_a_sender_whose_mac_has_the_group_bit_is_learned_and_the_waiting_reply_leaves()
    {
        // gVisor's tun test answers ARP as BB:BB:BB:BB:BB:BB; Linux's arp_process learns it and the ping is answered.
        var (host, ev) = Host1();
        host.Receive(1, EtherType.IPv4, V.EchoRequestV4Tap, Ms(0));
        SameFrames([V.ArpRequestForPeer], ev.Take());
        host.Receive(1, EtherType.Arp, ArpReplyFrom(GroupBitMac), Ms(1));
        var sent = Assert.Single(ev.Take());
        Assert.Equal(GroupBitMac, EthernetHeader.Parse(sent).Destination);
        Assert.Equal(EtherType.IPv4, EthernetHeader.Parse(sent).EtherType);
        Assert.True(host.TryGetNeighbour(1, Peer, Ms(2), out var learned));
        Assert.Equal(GroupBitMac, learned);
        Assert.Equal(1, host.Counters.IcmpV4.OutType(IcmpV4Type.EchoReply));
    }

    [Fact]
    public void Arp_with_a_multicast_sender_ip_is_dropped_with_a_reason()
    {
        var (host, ev) = Host1();
        var frame = ArpReplyFrom(PeerMac);
        Ipv4Address.Parse("224.0.0.9").Write(frame.AsSpan(14 + 14)); // sender IP
        host.Receive(1, EtherType.Arp, frame, Ms(0));
        Assert.Empty(ev.Take());
        Assert.Equal(1, host.Counters.Neighbour.ArpInvalidSender);
    }

    [Theory]
    [InlineData(false, 68)]
    [InlineData(false, 576)]
    [InlineData(true, 576)]
    [InlineData(true, 1280)]
    public void No_frame_leaves_above_the_mtu_whatever_is_sent(bool tap, int mtu)
    {
        var (host, ev) = Host1(tap, mtu);
        if (tap) Assert.Equal(Errno.None, host.AddNeighbour(1, Peer, PeerMac));
        host.Bind(5000, out _);
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var size = random.Next(0, 9000);
            var payload = new byte[size];
            host.SendUdp(5000, Peer, 9, payload, Ms(i));
            host.SendEchoRequest(Peer, 1, (ushort)i, size, Ms(i));
        }
        Assert.NotEmpty(ev.Transmitted);
        foreach (var (_, _, frame) in ev.Transmitted)
            Assert.InRange(frame.Length - (tap ? EthernetHeader.Length : 0), 1, mtu);
        Assert.True(host.Counters.Ipv4.FragmentsCreated > 0);
        Assert.Equal(0, host.Counters.Link.OutTooBig); // IP fragmented everything before the guard
    }
}
