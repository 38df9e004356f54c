using NetSim.Protocol;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Protocol.Tests;

/// <summary>The PI and Ethernet headers byte for byte, and the flag / errno numbers Linux uses.</summary>
public sealed class LinkHeaderTests
{
    [Fact]
    public void Packet_information_header_is_flags_then_protocol_big_endian()
    {
        var buffer = new byte[4];
        PacketInfoHeader.Emit(buffer, EtherType.IPv6, flags: 0x0001);
        Assert.Equal(new byte[] { 0x00, 0x01, 0x86, 0xDD }, buffer);
        Assert.True(PacketInfoHeader.Check(buffer));
        Assert.False(PacketInfoHeader.Check(buffer.AsSpan(0, 3)));
        var pi = PacketInfoHeader.Parse(buffer);
        Assert.Equal(1, pi.Flags);
        Assert.Equal(EtherType.IPv6, pi.Protocol);
    }

    [Fact]
    public void Prepend_writes_into_headroom_without_copying_and_copies_otherwise()
    {
        var withRoom = PacketInfoHeader.AllocateWithHeadroom(3);
        withRoom.Span.Fill(0xAB);
        var framed = PacketInfoHeader.Prepend(withRoom, EtherType.Arp);
        Assert.Equal(new byte[] { 0, 0, 0x08, 0x06, 0xAB, 0xAB, 0xAB }, framed.ToArray());
        // The header went into the 4 spare bytes of the same array: the frame was not copied.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(framed, out var a) && a.Offset == 0);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray((ReadOnlyMemory<byte>)withRoom, out var b) && ReferenceEquals(a.Array, b.Array));

        var tight = new byte[] { 1, 2 };
        Assert.Equal(new byte[] { 0, 0, 0x08, 0x00, 1, 2 }, PacketInfoHeader.Prepend(tight, EtherType.IPv4).ToArray());
        Assert.Equal(new byte[] { 1, 2 }, tight); // the caller's buffer is untouched
    }

    [Fact]
    public void Ethernet_header_is_destination_source_type()
    {
        var frame = new byte[14];
        var dst = MacAddress.Parse("ff:ff:ff:ff:ff:ff");
        var src = MacAddress.Parse("02:00:5e:10:20:30");
        EthernetHeader.Emit(frame, dst, src, EtherType.Arp);
        Assert.Equal(Convert.FromHexString("FFFFFFFFFFFF02005E1020300806"), frame);
        var eth = EthernetHeader.Parse(frame);
        Assert.Equal(dst, eth.Destination);
        Assert.Equal(src, eth.Source);
        Assert.Equal(EtherType.Arp, eth.EtherType);
        Assert.False(EthernetHeader.Check(frame.AsSpan(0, 13)));
    }

    [Fact]
    public void Mac_addresses_parse_print_and_classify()
    {
        Assert.Equal("02:00:5e:10:20:30", MacAddress.Parse("02-00-5E-10-20-30").ToString());
        Assert.False(MacAddress.TryParse("02:00:5e:10:20", out _));
        Assert.False(MacAddress.TryParse("zz:00:5e:10:20:30", out _));
        Assert.True(MacAddress.Broadcast.IsBroadcast && MacAddress.Broadcast.IsMulticast);
        Assert.True(MacAddress.Parse("33:33:00:00:00:01").IsMulticast);
        var generated = MacAddress.LocallyAdministered(ulong.MaxValue);
        Assert.True(generated.IsLocallyAdministered);
        Assert.False(generated.IsMulticast);
    }

    [Fact]
    public void Flag_and_errno_values_are_Linuxs()
    {
        Assert.Equal(0x0001, (int)TunFlags.Tun);
        Assert.Equal(0x0002, (int)TunFlags.Tap);
        Assert.Equal(0x1000, (int)TunFlags.NoPacketInfo);
        Assert.Equal(0x2000, (int)TunFlags.OneQueue);
        Assert.Equal(0x8000, (int)TunFlags.TunExclusive);
        Assert.Equal([1, 5, 11, 17, 22, 77, 90, 95, 113],
            new[] { Errno.EPERM, Errno.EIO, Errno.EAGAIN, Errno.EEXIST, Errno.EINVAL, Errno.EBADFD, Errno.EMSGSIZE, Errno.EOPNOTSUPP, Errno.EHOSTUNREACH }.Select(e => (int)e));
        Assert.True((TunFlags.Tun | TunFlags.NoPacketInfo).IsValidForAttach());
        Assert.False((TunFlags.Tun | TunFlags.Tap).IsValidForAttach());
        Assert.False(((TunFlags)0x0004 | TunFlags.Tun).IsValidForAttach());
    }
}
