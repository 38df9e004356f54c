using NetSim.Protocol.Wire;

namespace NetSim.Protocol.Tests.Wire;

/// <summary>The TCP view parses scapy's segments field by field and emits them byte for byte.</summary>
public class TcpHeaderTests
{
    private static readonly Ipv4Address Peer = Ipv4Address.Parse("10.0.0.2");
    private static readonly Ipv4Address Host = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv6Address Peer6 = Ipv6Address.Parse("2001:db8::2");
    private static readonly Ipv6Address Host6 = Ipv6Address.Parse("2001:db8::1");

    private static TcpHeader Segment(byte[] ipv4Packet, out Ipv4Header ip)
    {
        Assert.True(Ipv4Header.Check(ipv4Packet));
        ip = Ipv4Header.Parse(ipv4Packet);
        Assert.Equal(IpProtocol.Tcp, ip.Protocol);
        Assert.True(TcpHeader.Check(ip.Payload));
        return TcpHeader.Parse(ip.Payload);
    }

    /// <summary>Emits the segment with the parsed fields behind the same IPv4 header and compares every byte.</summary>
    private static void EmitsTheSame(byte[] expected)
    {
        var tcp = Segment(expected, out var ip);
        Assert.True(tcp.TryReadOptions(out var options));
        var actual = new byte[expected.Length];
        expected.AsSpan(0, ip.HeaderLength).CopyTo(actual);
        int length = TcpHeader.Emit(actual.AsSpan(ip.HeaderLength), tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber,
            tcp.AcknowledgmentNumber, tcp.Flags, tcp.Window, options, tcp.Payload, TcpHeader.PseudoHeader(ip.Source, ip.Destination, tcp.Bytes.Length));
        Assert.Equal(tcp.Bytes.Length, length);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void Syn_with_options_parses_every_option()
    {
        var tcp = Segment(ScapyWireVectors.TcpSyn, out var ip);
        Assert.Equal(40000, tcp.SourcePort);
        Assert.Equal(80, tcp.DestinationPort);
        Assert.Equal(0xFFFFFF00u, tcp.SequenceNumber);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.Equal(65535, tcp.Window);
        Assert.Equal(40, tcp.HeaderLength);
        Assert.Equal(1, tcp.SegmentLength);
        Assert.True(tcp.IsChecksumValidV4(ip.Source, ip.Destination));
        Assert.True(tcp.TryReadOptions(out var o));
        Assert.True(o.HasMss);
        Assert.Equal(1460, o.Mss);
        Assert.True(o.SackPermitted);
        Assert.True(o.HasTimestamps);
        Assert.Equal(0x01020304u, o.TsVal);
        Assert.Equal(0u, o.TsEcr);
        Assert.True(o.HasWindowScale);
        Assert.Equal(7, o.WindowScale);
        Assert.Equal(0, o.SackCount);
    }

    [Fact]
    public void Sack_blocks_parse_including_a_block_across_the_wrap()
    {
        var tcp = Segment(ScapyWireVectors.TcpSack, out _);
        Assert.True(tcp.TryReadOptions(out var o));
        Assert.Equal(2, o.SackCount);
        Assert.Equal(new SackBlock(0x2000, 0x2800), o.Sack[0]);
        Assert.Equal(new SackBlock(0xFFFFF000, 0x10), o.Sack[1]);
        Assert.True(o.HasTimestamps);
        Assert.Equal(0x0A0B0C20u, o.TsVal);
    }

    [Fact]
    public void Data_fin_and_rst_parse_flags_and_payload()
    {
        var data = Segment(ScapyWireVectors.TcpData, out var ip);
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, data.Flags);
        Assert.Equal("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), data.Payload.ToArray());
        Assert.Equal(18, data.SegmentLength);
        Assert.True(data.IsChecksumValidV4(ip.Source, ip.Destination));
        var fin = Segment(ScapyWireVectors.TcpFin, out _);
        Assert.True(fin.Fin && fin.Ack && !fin.Syn);
        Assert.Equal(1, fin.SegmentLength);
        Assert.True(fin.TryReadOptions(out var none));
        Assert.False(none.HasMss || none.HasTimestamps || none.SackPermitted);
        var rst = Segment(ScapyWireVectors.TcpRst, out _);
        Assert.True(rst.Rst && rst.Ack);
        Assert.Equal(0, rst.SegmentLength);
    }

    [Theory]
    [InlineData(nameof(ScapyWireVectors.TcpSyn))]
    [InlineData(nameof(ScapyWireVectors.TcpSynAck))]
    [InlineData(nameof(ScapyWireVectors.TcpData))]
    [InlineData(nameof(ScapyWireVectors.TcpFin))]
    [InlineData(nameof(ScapyWireVectors.TcpRst))]
    [InlineData(nameof(ScapyWireVectors.TcpSack))]
    public void Emit_matches_scapy(string name) =>
        EmitsTheSame((byte[])typeof(ScapyWireVectors).GetField(name)!.GetValue(null)!);

    [Fact]
    public void Ipv6_syn_checksum_and_emit_match_scapy()
    {
        var expected = ScapyWireVectors.TcpSynV6;
        Assert.True(Ipv6Header.Check(expected));
        var ip = Ipv6Header.Parse(expected);
        var tcp = TcpHeader.Parse(ip.Payload);
        Assert.True(tcp.IsChecksumValidV6(Peer6, Host6));
        Assert.True(tcp.TryReadOptions(out var o));
        Assert.Equal(1440, o.Mss);
        Assert.True(o.SackPermitted);
        Assert.False(o.HasTimestamps);
        var actual = new byte[expected.Length];
        expected.AsSpan(0, Ipv6Header.Length).CopyTo(actual);
        TcpHeader.Emit(actual.AsSpan(Ipv6Header.Length), tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber, tcp.AcknowledgmentNumber,
            tcp.Flags, tcp.Window, o, tcp.Payload, TcpHeader.PseudoHeader(Peer6, Host6, tcp.Bytes.Length));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void Corrupted_segment_fails_the_checksum()
    {
        var bytes = (byte[])ScapyWireVectors.TcpData.Clone();
        bytes[^1] ^= 0x01;
        var tcp = Segment(bytes, out var ip);
        Assert.False(tcp.IsChecksumValidV4(ip.Source, ip.Destination));
        // The pseudo-header counts: the right bytes with other addresses fail too.
        Assert.False(Segment(ScapyWireVectors.TcpData, out _).IsChecksumValidV4(Host, Ipv4Address.Parse("10.0.0.9")));
    }

    [Fact]
    public void Check_rejects_short_segments_and_bad_data_offsets()
    {
        var tcp = Segment(ScapyWireVectors.TcpSyn, out _).Bytes.ToArray();
        Assert.False(TcpHeader.Check(tcp.AsSpan(0, 19)));
        var small = (byte[])tcp.Clone();
        small[12] = 0x40; // 4 words: under the fixed header
        Assert.False(TcpHeader.Check(small));
        var past = (byte[])tcp.Clone();
        past[12] = 0xF0; // 60 bytes of header in a 40-byte segment
        Assert.False(TcpHeader.Check(past));
    }

    [Theory]
    [InlineData(new byte[] { 1, 1, 2, 4 })]        // MSS cut short by the header end
    [InlineData(new byte[] { 2, 3, 5, 0xB4 })]     // MSS with length 3
    [InlineData(new byte[] { 8, 1, 0, 0 })]        // length under 2
    [InlineData(new byte[] { 5, 2, 1, 1 })]        // SACK with no block
    [InlineData(new byte[] { 3, 4, 7, 1 })]        // window scale with length 4
    public void Malformed_options_are_rejected(byte[] options)
    {
        var segment = new byte[TcpHeader.MinLength + 4];
        segment[12] = (TcpHeader.MinLength + 4) / 4 << 4;
        options.CopyTo(segment, TcpHeader.MinLength);
        Assert.True(TcpHeader.Check(segment));
        Assert.False(TcpHeader.Parse(segment).TryReadOptions(out _));
    }

    [Fact]
    public void Unknown_options_are_skipped_and_end_of_list_stops_parsing()
    {
        var segment = new byte[TcpHeader.MinLength + 12];
        segment[12] = (TcpHeader.MinLength + 12) / 4 << 4;
        new byte[] { 30, 4, 0xAA, 0xBB, 2, 4, 0x05, 0xB4, 0, 2, 4, 1 }.CopyTo(segment, TcpHeader.MinLength);
        Assert.True(TcpHeader.Parse(segment).TryReadOptions(out var o));
        Assert.True(o.HasMss);
        Assert.Equal(1460, o.Mss);
    }
}
