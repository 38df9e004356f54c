using System.Buffers.Binary;
using NetSim.Protocol.Wire;

namespace NetSim.Protocol.Tests.Wire;

/// <summary>Each view parses scapy's bytes, emits the same bytes, and its Check rejects short or lying lengths.</summary>
public class HeaderTests
{
    private static byte[] With(byte[] bytes, int offset, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] = value;
        return copy;
    }

    private static byte[] WithU16(byte[] bytes, int offset, ushort value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    [Fact]
    public void Ipv4_parses_options_fragment_fields_and_checksum()
    {
        var bytes = ScapyWireVectors.Ipv4WithOptions;
        Assert.True(Ipv4Header.Check(bytes));
        var ip = Ipv4Header.Parse(bytes);
        Assert.Equal(4, ip.Version);
        Assert.Equal(24, ip.HeaderLength);
        Assert.Equal(4, ip.OptionsLength);
        Assert.Equal(0x10, ip.TypeOfService);
        Assert.Equal(40, ip.TotalLength);
        Assert.Equal(0xBEEF, ip.Identification);
        Assert.True(ip.MoreFragments);
        Assert.False(ip.DontFragment);
        Assert.Equal(185 * 8, ip.FragmentOffset);
        Assert.True(ip.IsFragment);
        Assert.Equal(17, ip.Ttl);
        Assert.Equal(Ipv4Address.Parse("192.168.1.1"), ip.Source);
        Assert.Equal(Ipv4Address.Parse("192.168.1.2"), ip.Destination);
        Assert.True(ip.IsChecksumValid);
        Assert.Equal("0123456789abcdef"u8.ToArray(), ip.Payload.ToArray());
        Assert.False(Ipv4Header.Parse(With(bytes, 8, 18)).IsChecksumValid);
    }

    [Fact]
    public void Ipv4_emit_matches_scapy()
    {
        var expected = ScapyWireVectors.Icmpv4Echo;
        var actual = new byte[expected.Length];
        IcmpV4.EmitEcho(actual.AsSpan(20), IcmpV4Type.EchoRequest, 0xAB, 0xCD, "ping"u8);
        Ipv4Header.Emit(actual, Ipv4Address.Parse("10.0.0.2"), Ipv4Address.Parse("10.0.0.1"), IpProtocol.Icmp, 12, 64, 1);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void Ipv4_check_rejects_bad_lengths_and_versions()
    {
        var ok = ScapyWireVectors.Icmpv4Echo;
        Assert.True(Ipv4Header.Check(ok));
        Assert.True(Ipv4Header.Check([.. ok, 0, 0, 0])); // link padding after the datagram is fine
        Assert.False(Ipv4Header.Check(ok.AsSpan(0, 19)));
        Assert.False(Ipv4Header.Check(ok.AsSpan(0, ok.Length - 1))); // total length past the end
        Assert.False(Ipv4Header.Check(With(ok, 0, 0x65))); // version 6
        Assert.False(Ipv4Header.Check(With(ok, 0, 0x44))); // IHL 4
        Assert.False(Ipv4Header.Check(With(ok, 0, 0x4F))); // IHL 15: 60 bytes, past the end
        Assert.False(Ipv4Header.Check(WithU16(ok, 2, 19))); // total length shorter than the header
        Assert.False(Ipv4Header.Check(WithU16(ok, 2, 0xFFFF)));
    }

    [Fact]
    public void Ipv6_parses_and_checks()
    {
        var bytes = ScapyWireVectors.Udpv6;
        Assert.True(Ipv6Header.Check(bytes));
        var ip = Ipv6Header.Parse(bytes);
        Assert.Equal(6, ip.Version);
        Assert.Equal(16, ip.PayloadLength);
        Assert.Equal(IpProtocol.Udp, ip.NextHeader);
        Assert.Equal(64, ip.HopLimit);
        Assert.Equal(Ipv6Address.Parse("2001:db8::2"), ip.Source);
        Assert.Equal(Ipv6Address.Parse("2001:db8::1"), ip.Destination);
        Assert.False(Ipv6Header.Check(bytes.AsSpan(0, 39)));
        Assert.False(Ipv6Header.Check(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.False(Ipv6Header.Check(With(bytes, 0, 0x40)));
        Assert.False(Ipv6Header.Check(WithU16(bytes, 4, 0xFFFF)));
    }

    [Fact]
    public void Ipv6_and_udp_emit_match_scapy()
    {
        var expected = ScapyWireVectors.Udpv6;
        var actual = new byte[expected.Length];
        var src = Ipv6Address.Parse("2001:db8::2");
        var dst = Ipv6Address.Parse("2001:db8::1");
        int udpLength = UdpHeader.Emit(actual.AsSpan(40), 1234, 5678, "datagram"u8, UdpHeader.PseudoHeader(src, dst, 16));
        Ipv6Header.Emit(actual, src, dst, IpProtocol.Udp, udpLength, 64);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void Ipv6_fragment_header_parses()
    {
        var ip = Ipv6Header.Parse(ScapyWireVectors.Ipv6Fragment);
        Assert.Equal(IpProtocol.Ipv6Fragment, ip.NextHeader);
        Assert.True(Ipv6FragmentHeader.Check(ip.Payload));
        var f = Ipv6FragmentHeader.Parse(ip.Payload);
        Assert.Equal(IpProtocol.Udp, f.NextHeader);
        Assert.Equal(1232, f.FragmentOffset);
        Assert.False(f.MoreFragments);
        Assert.Equal(0x01020304u, f.Identification);
        Assert.False(Ipv6FragmentHeader.Check(ip.Payload[..7]));
        var emitted = new byte[8];
        Ipv6FragmentHeader.Emit(emitted, IpProtocol.Udp, 1232, false, 0x01020304);
        Assert.Equal(ip.Payload[..8].ToArray(), emitted);
    }

    [Fact]
    public void Udp_parses_and_checks_lengths()
    {
        var ip = Ipv4Header.Parse(ScapyWireVectors.Udpv4);
        var datagram = ip.Payload.ToArray();
        Assert.True(UdpHeader.Check(datagram));
        var udp = UdpHeader.Parse(datagram);
        Assert.Equal((1234, 5678, 16), (udp.SourcePort, udp.DestinationPort, udp.TotalLength));
        Assert.Equal("datagram"u8.ToArray(), udp.Payload.ToArray());
        Assert.False(UdpHeader.Check(datagram.AsSpan(0, 7)));
        Assert.False(UdpHeader.Check(WithU16(datagram, 4, 7)));   // shorter than its header
        Assert.False(UdpHeader.Check(WithU16(datagram, 4, 17)));  // past the end
        var noChecksum = WithU16(datagram, 6, 0);
        Assert.True(UdpHeader.Parse(noChecksum).IsChecksumValidV4(ip.Source, ip.Destination)); // 0 = none over IPv4
        Assert.False(UdpHeader.Parse(WithU16(datagram, 6, 0x1234)).IsChecksumValidV4(ip.Source, ip.Destination));
    }

    [Fact]
    public void Udp_over_ipv6_must_have_a_checksum()
    {
        var ip = Ipv6Header.Parse(ScapyWireVectors.Udpv6);
        var datagram = WithU16(ip.Payload.ToArray(), 6, 0);
        Assert.False(UdpHeader.Parse(datagram).IsChecksumValidV6(ip.Source, ip.Destination));
    }

    [Fact]
    public void Icmpv4_parses_and_checks()
    {
        var ip = Ipv4Header.Parse(ScapyWireVectors.Icmpv4Echo);
        var message = ip.Payload.ToArray();
        Assert.True(IcmpV4.Check(message));
        var icmp = IcmpV4.Parse(message);
        Assert.Equal((IcmpV4Type.EchoRequest, (byte)0, (ushort)0xAB, (ushort)0xCD), (icmp.Type, icmp.Code, icmp.Identifier, icmp.SequenceNumber));
        Assert.True(icmp.IsChecksumValid);
        Assert.False(icmp.IsError);
        Assert.False(IcmpV4.Check(message.AsSpan(0, 7)));
        // A destination unreachable must quote at least an IPv4 header.
        var error = new byte[8 + 19];
        error[0] = IcmpV4Type.DestinationUnreachable;
        Assert.False(IcmpV4.Check(error));
        Assert.True(IcmpV4.Check(new byte[8 + 20].Select((b, i) => i == 0 ? IcmpV4Type.DestinationUnreachable : b).ToArray()));
    }

    [Fact]
    public void Icmpv4_error_emit_puts_the_mtu_and_quote_in_place()
    {
        var quote = ScapyWireVectors.Udpv4;
        var buffer = new byte[8 + quote.Length];
        int length = IcmpV4.EmitError(buffer, IcmpV4Type.DestinationUnreachable, IcmpV4UnreachableCode.FragmentationNeeded, 1400, quote);
        var icmp = IcmpV4.Parse(buffer.AsSpan(0, length));
        Assert.True(icmp.IsChecksumValid);
        Assert.Equal(1400, icmp.NextHopMtu);
        Assert.Equal(quote, icmp.Data.ToArray());
    }

    [Fact]
    public void Icmpv6_neighbor_solicitation_parses_and_emits_like_scapy()
    {
        var bytes = ScapyWireVectors.Icmpv6Ns;
        var ip = Ipv6Header.Parse(bytes);
        Assert.True(IcmpV6.Check(ip.Payload));
        var ns = IcmpV6.Parse(ip.Payload);
        Assert.Equal(IcmpV6Type.NeighborSolicitation, ns.Type);
        Assert.True(ns.IsChecksumValid(ip.Source, ip.Destination));
        Assert.Equal(Ipv6Address.Parse("2001:db8::1"), ns.TargetAddress);
        Assert.True(ns.TryGetLinkLayerAddress(NdpOptionType.SourceLinkLayerAddress, out var mac));
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:02"), mac);
        Assert.False(ns.TryGetLinkLayerAddress(NdpOptionType.TargetLinkLayerAddress, out _));

        var actual = new byte[bytes.Length];
        int length = IcmpV6.EmitNeighborSolicitation(actual.AsSpan(40), ns.TargetAddress, mac, ip.Source, ip.Destination);
        Ipv6Header.Emit(actual, ip.Source, ip.Destination, IpProtocol.IcmpV6, length, 255);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(actual));
    }

    [Fact]
    public void Icmpv6_neighbor_advertisement_parses_and_emits_like_scapy()
    {
        var bytes = ScapyWireVectors.Icmpv6Na;
        var ip = Ipv6Header.Parse(bytes);
        var na = IcmpV6.Parse(ip.Payload);
        Assert.Equal(IcmpV6.NaFlagRouter | IcmpV6.NaFlagSolicited, na.NeighborAdvertisementFlags);
        Assert.True(na.TryGetLinkLayerAddress(NdpOptionType.TargetLinkLayerAddress, out var mac));
        var actual = new byte[bytes.Length];
        int length = IcmpV6.EmitNeighborAdvertisement(actual.AsSpan(40), na.NeighborAdvertisementFlags, na.TargetAddress, mac, ip.Source, ip.Destination);
        Ipv6Header.Emit(actual, ip.Source, ip.Destination, IpProtocol.IcmpV6, length, 255);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(actual));
    }

    [Fact]
    public void Icmpv6_check_rejects_bad_ndp_options_and_short_errors()
    {
        var ns = Ipv6Header.Parse(ScapyWireVectors.Icmpv6Ns).Payload.ToArray();
        Assert.False(IcmpV6.Check(ns.AsSpan(0, 23)));            // no room for the target
        Assert.False(IcmpV6.Check(With(ns, 25, 0)));             // option length 0 would loop forever
        Assert.False(IcmpV6.Check(With(ns, 25, 2)));             // option past the end
        Assert.False(IcmpV6.Check(ns.AsSpan(0, ns.Length - 1))); // option cut short
        var unreachable = Ipv6Header.Parse(ScapyWireVectors.Icmpv6PortUnreachable);
        Assert.True(IcmpV6.Check(unreachable.Payload));
        Assert.True(IcmpV6.Parse(unreachable.Payload).IsChecksumValid(unreachable.Source, unreachable.Destination));
        Assert.False(IcmpV6.Check(unreachable.Payload[..47]));   // quote shorter than an IPv6 header
    }

    [Fact]
    public void Arp_parses_emits_and_checks()
    {
        var bytes = ScapyWireVectors.ArpRequest;
        Assert.True(ArpPacket.Check(bytes));
        var arp = ArpPacket.Parse(bytes);
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:02"), arp.SenderHardwareAddress);
        Assert.Equal(Ipv4Address.Parse("10.0.0.2"), arp.SenderProtocolAddress);
        Assert.Equal(MacAddress.Zero, arp.TargetHardwareAddress);
        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), arp.TargetProtocolAddress);
        var actual = new byte[28];
        ArpPacket.Emit(actual, ArpOperation.Request, arp.SenderHardwareAddress, arp.SenderProtocolAddress, MacAddress.Zero, arp.TargetProtocolAddress);
        Assert.Equal(bytes, actual);

        Assert.False(ArpPacket.Check(bytes.AsSpan(0, 27)));
        Assert.False(ArpPacket.Check(With(bytes, 1, 6)));   // hardware type 6 (IEEE 802)
        Assert.False(ArpPacket.Check(With(bytes, 2, 0x86))); // protocol type not IPv4
        Assert.False(ArpPacket.Check(With(bytes, 4, 8)));   // hardware length 8
        Assert.False(ArpPacket.Check(With(bytes, 5, 16)));  // protocol length 16
        Assert.False(ArpPacket.Check(With(bytes, 7, 3)));   // RARP request
    }
}
