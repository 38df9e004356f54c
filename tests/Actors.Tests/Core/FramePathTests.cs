using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>Frames through files, NICs and the stack: byte layout on the wire of the file, shared queues.</summary>
public sealed class FramePathTests : DeviceTestKit
{
    [Fact]
    public void A_frame_written_on_one_file_is_readable_on_another_file_whose_NIC_the_stack_sends_it_to()
    {
        var host = NewHost();
        var fa = Open(host);
        var fb = Open(host);
        var a = Attach(fa, "tun-a", TunFlags.Tun | TunFlags.NoPacketInfo);
        var b = Attach(fb, "tun-b", TunFlags.Tun);
        host.Tell(new SubscribeInbound(TestActor), TestActor);
        ExpectMsg<InboundSubscribed>();
        var poller = CreateTestProbe();
        fb.Tell(new SubscribeReadable(poller), TestActor);
        ExpectMsg<Subscribed>();

        var packet = Ipv4(marker: 0x5A);
        fa.Tell(new Write(packet), TestActor);
        ExpectMsg<Written>(w => w.Length == packet.Length);
        var inbound = ExpectMsg<InboundFrame>();
        Assert.Equal(a.NicId, inbound.NicId);
        Assert.Equal(EtherType.IPv4, inbound.Protocol); // from the version nibble: TUN without PI
        SendOut(host, b.NicId, inbound.Protocol, inbound.Frame);

        poller.ExpectMsg<Readable>();
        var read = ReadOne(fb).Frame.ToArray();
        Assert.Equal(new byte[] { 0x00, 0x00, 0x08, 0x00 }, read[..4]); // PI: flags 0, protocol 0x0800
        Assert.Equal(packet, read[4..]);
        Assert.Equal(1, Counters(host, "tun-a").RxPackets);
        Assert.Equal(packet.Length, Counters(host, "tun-b").TxBytes);
    }

    [Theory]
    [InlineData(TunFlags.Tun, new byte[] { 0x00, 0x00, 0x86, 0xDD, 0x60, 0, 0, 0 }, 0x86DD)]          // PI protocol wins
    [InlineData(TunFlags.Tun, new byte[] { 0x12, 0x34, 0x08, 0x00, 0x60, 0, 0, 0 }, 0x0800)]          // PI flags ignored
    [InlineData(TunFlags.Tun | TunFlags.NoPacketInfo, new byte[] { 0x60, 0, 0, 0 }, 0x86DD)]           // IPv6 nibble
    [InlineData(TunFlags.Tun | TunFlags.NoPacketInfo, new byte[] { 0x15, 0, 0, 0 }, 0)]               // unknown version
    public void The_protocol_of_a_written_TUN_frame_comes_from_PI_else_the_IP_version(TunFlags flags, byte[] frame, int protocol)
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", flags);
        host.Tell(new SubscribeInbound(TestActor), TestActor);
        ExpectMsg<InboundSubscribed>();
        file.Tell(new Write(frame), TestActor);
        ExpectMsg<Written>();
        var inbound = ExpectMsg<InboundFrame>();
        Assert.Equal((ushort)protocol, inbound.Protocol);
        var headerLength = (flags & TunFlags.NoPacketInfo) == 0 ? 4 : 0;
        Assert.Equal(frame[headerLength..], inbound.Frame.ToArray());
    }

    [Fact]
    public void A_written_TAP_frame_keeps_its_Ethernet_header_and_takes_its_protocol_from_it()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
        host.Tell(new SubscribeInbound(TestActor), TestActor);
        ExpectMsg<InboundSubscribed>();
        var frame = new byte[14 + 28];
        EthernetHeader.Emit(frame, a.Mac, MacAddress.Parse("02:aa:bb:cc:dd:ee"), EtherType.Arp);
        file.Tell(new Write(frame), TestActor);
        ExpectMsg<Written>();
        var inbound = ExpectMsg<InboundFrame>();
        Assert.Equal(EtherType.Arp, inbound.Protocol);
        Assert.Equal(frame, inbound.Frame.ToArray());
    }

    [Fact]
    public void TAP_reads_carry_the_Ethernet_header_the_stack_adds_byte_exact_with_and_without_PI()
    {
        var host = NewHost();
        var withPi = Open(host);
        var a = Attach(withPi, "tap0", TunFlags.Tap);
        var noPi = Open(host);
        Attach(noPi, "tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
        var dst = MacAddress.Parse("02:11:22:33:44:55");
        var ip = Ipv4(marker: 7);
        SendOut(host, a.NicId, EtherType.IPv4, ip, dst);
        SendOut(host, a.NicId, EtherType.IPv4, ip, dst);

        var expectedEth = new byte[14];
        EthernetHeader.Emit(expectedEth, dst, a.Mac, EtherType.IPv4);
        AwaitAssert(() => Assert.Equal(2, Counters(host, "tap0").Queued));
        var first = ReadOne(withPi).Frame.ToArray();
        Assert.Equal([0x00, 0x00, 0x08, 0x00, .. expectedEth, .. ip], first);
        var second = ReadOne(noPi).Frame.ToArray();
        Assert.Equal([.. expectedEth, .. ip], second);
        // And the header's fields as a reader sees them.
        var eth = EthernetHeader.Parse(second);
        Assert.Equal(dst, eth.Destination);
        Assert.Equal(a.Mac, eth.Source);
        Assert.Equal(EtherType.IPv4, eth.EtherType);
    }

    [Fact]
    public void Files_on_one_NIC_share_one_queue_each_frame_is_read_once()
    {
        var host = NewHost();
        var f1 = Open(host);
        var f2 = Open(host);
        var a = Attach(f1, "tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        Attach(f2, "tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        for (byte i = 0; i < 6; i++) SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: i));
        AwaitAssert(() => Assert.Equal(6, Counters(host, "tun0").Queued));
        var seen = new List<int>();
        for (var i = 0; i < 6; i++) seen.Add(ReadOne(i % 2 == 0 ? f1 : f2).Frame.Span[20]);
        Assert.Equal([0, 1, 2, 3, 4, 5], seen);
        Assert.Equal(Errno.EAGAIN, ExpectErrno(f1, Read.Instance));
        Assert.Equal(Errno.EAGAIN, ExpectErrno(f2, Read.Instance));
    }
}

/// <summary>HOCON overrides reach the actors.</summary>
public sealed class ConfigOverrideTests() : DeviceTestKit(Akka.Configuration.ConfigurationFactory.ParseString("netsim.nic.queue-length = 8\nnetsim.nic.mtu = 576"))
{
    [Fact]
    public void A_queue_of_8_and_an_MTU_from_HOCON_are_honoured()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        Assert.Equal(576, a.Mtu);
        for (var i = 0; i < 10; i++) SendOut(host, a.NicId, EtherType.IPv4, Ipv4());
        AwaitAssert(() => Assert.Equal(2, Counters(host, "tun0").TxDropped));
        file.Tell(new ReadBatch(100), TestActor);
        Assert.Equal(8, ExpectMsg<PacketBatch>().Frames.Count);
        Assert.Equal(Errno.EMSGSIZE, ExpectErrno(file, new Write(new byte[577])));
    }
}
