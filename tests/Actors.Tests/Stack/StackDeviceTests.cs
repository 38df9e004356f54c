using NetSim.Protocol;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Actors.Tests.StackTests;

/// <summary>
/// The network stack's "Done when" list, driven only through device files (Attach / Write / ReadBatch /
/// SubscribeReadable) on a StackActor configured with its own messages, against the scapy vectors. The host is the
/// vectors' host: MAC 02:00:00:00:00:01, 10.0.0.1/24, 2001:db8::1/64; the peer is 10.0.0.2 / 2001:db8::2 with MAC
/// 02:00:00:00:00:02. The echo request is 92 bytes of IP (20 header + 8 ICMP + 64 data bytes 0x00..0x3F).
/// IPv4 frames the host originates are compared with IP ID and header checksum masked (see <see cref="StackTestKit"/>).
/// </summary>
public sealed class StackDeviceTests : StackTestKit
{
    private const int PiLength = 4;
    private const int EthLength = 14;

    [Fact]
    public void Ping_into_a_tap_file_with_packet_info_resolves_the_sender_with_arp_then_replies()
    {
        var host = VectorHost("tap0", isTap: true);
        var (file, readable) = OpenFile(host, "tap0", TunFlags.Tap);

        // A 92-byte echo request from 10.0.0.2: the host does not know the sender's MAC, so it asks with ARP first.
        Assert.Equal(92, V.EchoRequestV4Tap.Length - EthLength);
        WriteFrame(file, WithPi(EtherType.IPv4, V.EchoRequestV4Tap));
        var arp = Assert.Single(ReadFrames(file, readable, 1));
        SameBytes([0x00, 0x00, 0x08, 0x06, .. V.ArpRequestForPeer], arp);

        // The scapy ARP reply releases the echo reply that waited for it.
        WriteFrame(file, WithPi(EtherType.Arp, V.ArpReplyFromPeer));
        var first = Assert.Single(ReadFrames(file, readable, 1));
        SameBytes([0x00, 0x00, 0x08, 0x00], first[..PiLength]);
        var firstId = SameIpv4Masked(WithPi(EtherType.IPv4, V.EchoReplyV4TapFirst), first, PiLength + EthLength);

        // Resolved now: the request written again is answered at once, with the next IP ID and no second ARP.
        WriteFrame(file, WithPi(EtherType.IPv4, V.EchoRequestV4Tap));
        var second = Assert.Single(ReadFrames(file, readable, 1));
        var secondId = SameIpv4Masked(WithPi(EtherType.IPv4, V.EchoReplyV4TapSecond), second, PiLength + EthLength);
        Assert.Equal((ushort)(firstId + 1), secondId);

        var c = AwaitCounter(host, "icmpv4.out.echo-reply", 2);
        AssertNothingToRead(file);
        Assert.Equal(2, c["icmpv4.in.echo-request"]);
        Assert.Equal(1, c["neighbour.arp-requests-sent"]);
        Assert.Equal(1, c["neighbour.arp-replies-received"]);
        Assert.Equal(0, c["malformed"] + c["bad-checksum"] + c["internal-errors"]);
    }

    [Fact]
    public void An_arp_reply_from_a_group_bit_mac_is_learned_and_the_waiting_ping_is_answered_as_on_linux()
    {
        // gVisor's tun test (pkg/tcpip/link/tun) plays the peer as BB:BB:BB:BB:BB:BB; Linux's arp_process learns it.
        var host = VectorHost("tap0", isTap: true);
        var (file, readable) = OpenFile(host, "tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
        WriteFrame(file, V.EchoRequestV4Tap);
        SameBytes(V.ArpRequestForPeer, Assert.Single(ReadFrames(file, readable, 1)));

        var groupBit = MacAddress.Parse("BB:BB:BB:BB:BB:BB");
        var reply = (byte[])V.ArpReplyFromPeer.Clone();
        groupBit.Write(reply.AsSpan(6));           // Ethernet source
        groupBit.Write(reply.AsSpan(EthLength + 8)); // ARP sender hardware address
        WriteFrame(file, reply);
        var echo = Assert.Single(ReadFrames(file, readable, 1));
        Assert.Equal(groupBit, EthernetHeader.Parse(echo).Destination);
        SameIpv4Masked(WithDestination(V.EchoReplyV4TapFirst, groupBit), echo, EthLength); // the scapy reply, to BB:..:BB
        AwaitCounter(host, "icmpv4.out.echo-reply", 1);
    }

    private static byte[] WithDestination(byte[] frame, MacAddress destination)
    {
        var copy = (byte[])frame.Clone();
        destination.Write(copy);
        return copy;
    }

    [Theory]
    [InlineData(true)]  // NO_PI: the file carries bare IP packets, the version nibble gives the protocol
    [InlineData(false)] // with PI: 00 00 08 00 before each packet
    public void Ping_into_a_tun_file_comes_back_without_arp(bool noPi)
    {
        var host = VectorHost("tun0", isTap: false);
        var (file, readable) = OpenFile(host, "tun0", noPi ? TunFlags.Tun | TunFlags.NoPacketInfo : TunFlags.Tun);
        var offset = noPi ? 0 : PiLength;

        WriteFrame(file, noPi ? V.EchoRequestV4 : WithPi(EtherType.IPv4, V.EchoRequestV4));
        // The first frame out is the echo reply itself: TUN is point-to-point, there is nothing to resolve.
        var reply = Assert.Single(ReadFrames(file, readable, 1));
        SameIpv4Masked(noPi ? V.EchoReplyV4First : WithPi(EtherType.IPv4, V.EchoReplyV4First), reply, offset);

        var c = AwaitCounter(host, "icmpv4.out.echo-reply", 1);
        AssertNothingToRead(file);
        Assert.Equal(0, c["neighbour.arp-requests-sent"]);
    }

    [Fact]
    public void Ping6_into_a_tap_file_resolves_the_sender_with_ndp_then_replies()
    {
        var host = VectorHost("tap0", isTap: true);
        var (file, readable) = OpenFile(host, "tap0", TunFlags.Tap);

        WriteFrame(file, WithPi(EtherType.IPv6, V.EchoRequestV6Tap));
        // IPv6 has no ID field: both the solicitation and the reply are byte-exact, PI header included.
        var ns = Assert.Single(ReadFrames(file, readable, 1));
        SameBytes(WithPi(EtherType.IPv6, V.NsFromHostForPeer), ns);

        WriteFrame(file, WithPi(EtherType.IPv6, V.NaFromPeer));
        var reply = Assert.Single(ReadFrames(file, readable, 1));
        SameBytes(WithPi(EtherType.IPv6, V.EchoReplyV6Tap), reply);

        var c = AwaitCounter(host, "icmpv6.out.echo-reply", 1);
        AssertNothingToRead(file);
        Assert.Equal(1, c["neighbour.solicitations-sent"]);
        Assert.Equal(1, c["neighbour.advertisements-received"]);
        Assert.Equal(1, c["icmpv6.in.echo-request"]);
    }

    // Router: tap1 02:00:00:00:01:01 10.0.1.1/24 faces A (10.0.1.2, 02:00:00:00:01:02);
    //         tap2 02:00:00:00:02:01 10.0.2.1/24 faces B (10.0.2.2). Hand-written ARP frames between router and A.
    private static readonly byte[] ArpRequestRouterForA = Convert.FromHexString(
        "FFFFFFFFFFFF" + "020000000101" + "0806" + "0001080006040001" + "020000000101" + "0A000101" + "000000000000" + "0A000102");
    private static readonly byte[] ArpReplyFromA = Convert.FromHexString(
        "020000000101" + "020000000102" + "0806" + "0001080006040002" + "020000000102" + "0A000102" + "020000000101" + "0A000101");

    [Fact]
    public void Router_answers_ttl_1_with_time_exceeded_out_of_the_ingress_file()
    {
        var router = NewHost();
        CreateNic(router, "tap1", isTap: true, MacAddress.Parse("02:00:00:00:01:01"));
        CreateNic(router, "tap2", isTap: true, MacAddress.Parse("02:00:00:00:02:01"));
        Configure(router, new AddAddress("tap1", Ipv4Address.Parse("10.0.1.1"), 24));
        Configure(router, new AddAddress("tap2", Ipv4Address.Parse("10.0.2.1"), 24));
        Configure(router, new SetForwarding(true));
        var (ingress, ingressReadable) = OpenFile(router, "tap1", TunFlags.Tap | TunFlags.NoPacketInfo);
        var (egress, _) = OpenFile(router, "tap2", TunFlags.Tap | TunFlags.NoPacketInfo);

        // A UDP probe from A to B with TTL 1 (scapy). The router must not forward it; it answers A, whose MAC it
        // first resolves on the ingress NIC.
        WriteFrame(ingress, V.RouterProbeTtl1);
        SameBytes(ArpRequestRouterForA, Assert.Single(ReadFrames(ingress, ingressReadable, 1)));
        WriteFrame(ingress, ArpReplyFromA);
        var error = Assert.Single(ReadFrames(ingress, ingressReadable, 1));
        SameIpv4Masked(V.RouterTimeExceeded, error, EthLength);
        Assert.Equal(IcmpV4Type.TimeExceeded, error[EthLength + 20]);
        Assert.Equal(IcmpV4TimeExceededCode.TtlExceeded, error[EthLength + 21]);

        var c = AwaitCounter(router, "ipv4.ttl-exceeded", 1);
        AssertNothingToRead(ingress);
        AssertNothingToRead(egress);
        Assert.Equal(0, c["forwarded"]);
        Assert.Equal(1, c["icmpv4.out.time-exceeded"]);
    }

    public static TheoryData<string, bool, string> BadFrames()
    {
        var badIpChecksum = (byte[])V.EchoRequestV4.Clone();
        badIpChecksum[10] ^= 0xFF;
        var badIcmpChecksum = (byte[])V.EchoRequestV4.Clone();
        badIcmpChecksum[22] ^= 0xFF;
        var truncated = V.EchoRequestV4[..40]; // the header claims 92 bytes
        var badIhl = (byte[])V.EchoRequestV4.Clone();
        badIhl[0] = 0x44; // IHL 4: shorter than the minimum header
        Ipv4Header.FillChecksum(badIhl.AsSpan()[..20]);
        var tapBadIpChecksum = (byte[])V.EchoRequestV4Tap.Clone();
        tapBadIpChecksum[EthLength + 10] ^= 0xFF;
        var tapShortArp = V.ArpRequestFromPeer[..(EthLength + 20)]; // an ARP packet cut below its 28 bytes
        return new()
        {
            { Convert.ToHexString(badIpChecksum), false, "bad-checksum" },
            { Convert.ToHexString(badIcmpChecksum), false, "bad-checksum" },
            { Convert.ToHexString(truncated), false, "malformed" },
            { Convert.ToHexString(badIhl), false, "malformed" },
            // On a TAP a bad frame from an unknown sender must not even trigger ARP.
            { Convert.ToHexString(tapBadIpChecksum), true, "bad-checksum" },
            { Convert.ToHexString(tapShortArp), true, "malformed" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void A_bad_frame_written_into_a_file_is_counted_and_nothing_is_emitted(string hex, bool tap, string counter)
    {
        var frame = Convert.FromHexString(hex);
        var nic = tap ? "tap0" : "tun0";
        var host = VectorHost(nic, tap);
        var (file, _) = OpenFile(host, nic, (tap ? TunFlags.Tap : TunFlags.Tun) | TunFlags.NoPacketInfo);

        WriteFrame(file, frame);
        var c = AwaitCounter(host, counter, 1);
        AssertNothingToRead(file);
        Assert.Equal(0, c["icmpv4.out.echo-reply"] + c["icmpv4.out.dest-unreachable"] + c["neighbour.arp-requests-sent"]);
        // Exactly one error counted, under the right name (a bad ICMP checksum is still an IP delivery, as on Linux).
        Assert.Equal(1, c["malformed"] + c["bad-checksum"]);
    }
}
