using NetSim.Protocol.Wire;

namespace NetSim.Protocol.Tests.Wire;

public class ChecksumTests
{
    [Fact]
    public void Rfc_1071_example()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];
        Assert.Equal(0x220D, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Odd_length_pads_with_zero()
    {
        Assert.Equal(InternetChecksum.Compute([0x12, 0x34, 0x56, 0x00]), InternetChecksum.Compute([0x12, 0x34, 0x56]));
    }

    [Fact]
    public void Chained_sums_equal_one_sum()
    {
        var data = Enumerable.Range(0, 1001).Select(i => (byte)(i * 31)).ToArray();
        uint sum = InternetChecksum.Add(InternetChecksum.Add(0, data.AsSpan(0, 500)), data.AsSpan(500));
        Assert.Equal(InternetChecksum.Compute(data), InternetChecksum.Finish(sum));
    }

    [Fact]
    public void Large_buffers_do_not_lose_carries()
    {
        var data = Enumerable.Repeat((byte)0xFF, 65536).ToArray();
        Assert.Equal(0, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Pseudo_headers_match_scapy_udp_checksums()
    {
        var v4 = Ipv4Header.Parse(ScapyWireVectors.Udpv4);
        Assert.True(UdpHeader.Parse(v4.Payload).IsChecksumValidV4(v4.Source, v4.Destination));
        var v6 = Ipv6Header.Parse(ScapyWireVectors.Udpv6);
        Assert.True(UdpHeader.Parse(v6.Payload).IsChecksumValidV6(v6.Source, v6.Destination));
    }
}
