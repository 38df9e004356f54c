using NetSim.Protocol.Wire;

namespace NetSim.Protocol.Tests.Wire;

public class AddressTests
{
    [Theory]
    [InlineData("10.0.0.1", 0x0A000001u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("192.168.100.7", 0xC0A86407u)]
    public void Ipv4_parses_and_prints(string text, uint value)
    {
        var a = Ipv4Address.Parse(text);
        Assert.Equal(value, a.Value);
        Assert.Equal(text, a.ToString());
        Span<byte> b = stackalloc byte[4];
        a.Write(b);
        Assert.Equal(a, Ipv4Address.Read(b));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.2")]
    [InlineData("10.0.0.256")]
    [InlineData("10..0.1")]
    [InlineData("10.0.0.-1")]
    [InlineData("1000.0.0.1")]
    [InlineData(" 10.0.0.1")]
    [InlineData("::1")]
    public void Ipv4_rejects_bad_text(string text) => Assert.False(Ipv4Address.TryParse(text, out _));

    [Fact]
    public void Ipv4_prefix_helpers()
    {
        var a = Ipv4Address.Parse("192.168.7.130");
        Assert.Equal(Ipv4Address.Parse("192.168.7.128"), a.Network(25));
        Assert.Equal(Ipv4Address.Parse("192.168.7.255"), a.DirectedBroadcast(24));
        Assert.True(a.IsInPrefix(Ipv4Address.Parse("192.168.0.0"), 16));
        Assert.False(a.IsInPrefix(Ipv4Address.Parse("192.169.0.0"), 16));
        Assert.True(a.IsInPrefix(Ipv4Address.Parse("1.2.3.4"), 0));
        Assert.Equal(0xFFFFFF00u, Ipv4Address.MaskBits(24));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Address.MaskBits(33));
        Assert.Equal(MacAddress.Parse("01:00:5e:7f:00:fb"), Ipv4Address.Parse("239.255.0.251").MulticastMac);
        Assert.True(Ipv4Address.Parse("224.0.0.1").IsMulticast);
    }

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::ff:fe00:1")]
    [InlineData("ff02::1:ff00:2")]
    [InlineData("2001:db8:0:1:2:3:4:5")]
    public void Ipv6_parses_and_prints_canonically(string text)
    {
        var a = Ipv6Address.Parse(text);
        Assert.Equal(text, a.ToString());
        Span<byte> b = stackalloc byte[16];
        a.Write(b);
        Assert.Equal(a, Ipv6Address.Read(b));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2001:db8::1::2")]
    [InlineData("10.0.0.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("2001:db8:g::1")]
    public void Ipv6_rejects_bad_text(string text) => Assert.False(Ipv6Address.TryParse(text, out _));

    [Fact]
    public void Ipv6_multicast_helpers_follow_rfc_4291_and_2464()
    {
        var a = Ipv6Address.Parse("2001:db8::12:3456");
        Assert.Equal(Ipv6Address.Parse("ff02::1:ff12:3456"), a.SolicitedNode);
        Assert.True(a.SolicitedNode.IsSolicitedNode);
        Assert.Equal(MacAddress.Parse("33:33:ff:12:34:56"), a.SolicitedNode.MulticastMac);
        Assert.Equal(Ipv6Address.Parse("fe80::ff:fe00:1"), Ipv6Address.LinkLocalFromMac(MacAddress.Parse("02:00:00:00:00:01")));
        Assert.Equal(Ipv6Address.Parse("fe80::21b:21ff:fe3c:4d5e"), Ipv6Address.LinkLocalFromMac(MacAddress.Parse("00:1b:21:3c:4d:5e")));
        Assert.True(Ipv6Address.Parse("fe80::1").IsLinkLocal);
        Assert.True(Ipv6Address.AllNodes.IsLinkScopeMulticast);
        Assert.False(Ipv6Address.Parse("ff0e::1").IsLinkScopeMulticast);
    }

    [Fact]
    public void Ipv6_prefix_helpers()
    {
        var a = Ipv6Address.Parse("2001:db8:aaaa:bbbb:cccc::1");
        Assert.Equal(Ipv6Address.Parse("2001:db8:aaaa:bbbb::"), a.Network(64));
        Assert.Equal(Ipv6Address.Parse("2001:db8:aaaa:bbbb:cc00::"), a.Network(72));
        Assert.True(a.IsInPrefix(Ipv6Address.Parse("2001:db8::"), 32));
        Assert.False(a.IsInPrefix(Ipv6Address.Parse("2001:db9::"), 32));
        Assert.True(a.IsInPrefix(a, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Network(129));
    }

    [Fact]
    public void IpAddress_holds_either_family()
    {
        IpAddress v4 = Ipv4Address.Parse("10.0.0.1");
        IpAddress v6 = Ipv6Address.Parse("::a00:1");
        Assert.True(v4.IsV4);
        Assert.True(v6.IsV6);
        Assert.NotEqual(v4, v6);
        Assert.Equal(v4, IpAddress.Parse("10.0.0.1"));
        Assert.Equal(v6, IpAddress.Parse("::a00:1"));
        Assert.Throws<InvalidOperationException>(() => v4.V6);
        Assert.False(v4.IsInPrefix(v6, 0)); // families never match, even for /0
        Assert.Equal("10.0.0.1", v4.ToString());
    }
}
