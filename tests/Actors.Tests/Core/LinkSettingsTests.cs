using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary><c>ip link set address / mtu</c> on an existing NIC: errno for bad values, and the next frame shows the change.</summary>
public sealed class LinkSettingsTests : DeviceTestKit
{
    private static readonly MacAddress NewMac = MacAddress.Parse("02:11:22:33:44:55");

    [Fact]
    public void A_new_MAC_is_the_source_of_the_next_frame_and_the_NIC_stays_non_persistent()
    {
        var host = NewHost();
        var file = Open(host);
        var attached = Attach(file, "tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
        Assert.True(attached.Mac.IsLocallyAdministered);
        Assert.False(attached.Mac.IsMulticast);
        host.Tell(new AddAddress("tap0", IpAddress.Parse("10.0.0.1"), 24), TestActor);
        ExpectMsg<HostConfigured>();

        host.Tell(new SetNicMac("tap0", NewMac), TestActor);
        var info = ExpectMsg<NicInfo>();
        Assert.Equal(NewMac, info.Mac);
        Assert.False(info.Persistent);

        // A frame the host stack makes (the ARP request for a UDP destination) and one the stack frames for a caller.
        var port = Request<UdpBound>(host, new UdpBind(0, TestActor)).Port;
        Request<UdpSent>(host, new UdpSend(port, IpAddress.Parse("10.0.0.2"), 9, new byte[4]));
        var arp = ReadOne(file).Frame.ToArray();
        Assert.Equal(EtherType.Arp, EthernetHeader.Parse(arp).EtherType);
        Assert.Equal(NewMac, EthernetHeader.Parse(arp).Source);
        Assert.Equal(NewMac, ArpPacket.Parse(arp.AsSpan(EthernetHeader.Length)).SenderHardwareAddress);
        SendOut(host, attached.NicId, EtherType.IPv4, Ipv4(), MacAddress.Broadcast);
        Assert.Equal(NewMac, EthernetHeader.Parse(ReadOne(file).Frame.Span).Source);

        // Choosing the MAC did not make the NIC persistent: closing its only file removes it.
        host.Tell(new WatchNics(TestActor), TestActor);
        ExpectMsg<NicList>();
        file.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        ExpectMsg<NicRemoved>(r => r.Name == "tap0");
    }

    [Fact]
    public void A_new_MTU_applies_to_the_next_write_and_to_what_the_stack_sends()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        host.Tell(new AddAddress("tun0", IpAddress.Parse("10.0.0.1"), 24), TestActor);
        ExpectMsg<HostConfigured>();
        Assert.Equal(Errno.None, WriteErrno(file, new byte[1000]));

        Assert.Equal(576, Request<NicInfo>(host, new SetNicMtu("tun0", 576)).Mtu);
        Assert.Equal(Errno.EMSGSIZE, WriteErrno(file, Ipv4(payload: 600)));
        Assert.Equal(Errno.None, WriteErrno(file, Ipv4(payload: 576 - 20)));

        // A 1000-byte datagram leaves in fragments of at most 576 bytes.
        var port = Request<UdpBound>(host, new UdpBind(0, TestActor)).Port;
        Request<UdpSent>(host, new UdpSend(port, IpAddress.Parse("10.0.0.2"), 9, new byte[1000]));
        var first = ReadOne(file).Frame;
        var second = ReadOne(file).Frame;
        Assert.True(first.Length <= 576 && second.Length <= 576, $"fragments of {first.Length} and {second.Length} bytes");
        Assert.Equal(1000 + 8 + 2 * 20, first.Length + second.Length);
    }

    [Theory]
    [InlineData("tun0", false, 67, Errno.EINVAL)]
    [InlineData("tun0", false, 65536, Errno.EINVAL)]
    [InlineData("tap0", true, 65522, Errno.EINVAL)]
    [InlineData("tun0", false, 65535, Errno.None)]
    [InlineData("tap0", true, 65521, Errno.None)]
    [InlineData("tap0", true, 68, Errno.None)]
    public void MTU_limits_are_Linux_tun_limits(string name, bool isTap, int mtu, Errno expected)
    {
        var host = NewHost();
        Request<NicInfo>(host, new CreateNic(name, isTap));
        host.Tell(new SetNicMtu(name, mtu), TestActor);
        if (expected == Errno.None) ExpectMsg<NicInfo>(i => i.Mtu == mtu);
        else ExpectMsg<OperationFailed>(f => f.Errno == expected && f.Operation == "set-mtu");
    }

    [Theory]
    [InlineData("tap0", "01:00:5e:00:00:01", Errno.EADDRNOTAVAIL)] // multicast
    [InlineData("tap0", "ff:ff:ff:ff:ff:ff", Errno.EADDRNOTAVAIL)] // broadcast
    [InlineData("tap0", "00:00:00:00:00:00", Errno.EADDRNOTAVAIL)] // zero
    [InlineData("tun0", "02:00:00:00:00:09", Errno.EOPNOTSUPP)]    // a TUN NIC has no MAC
    [InlineData("lo", "02:00:00:00:00:09", Errno.EOPNOTSUPP)]
    [InlineData("eth7", "02:00:00:00:00:09", Errno.ENODEV)]
    public void Bad_MACs_fail_with_Linux_errno(string name, string mac, Errno expected)
    {
        var host = NewHost();
        Request<NicInfo>(host, new CreateNic("tap0", true));
        Request<NicInfo>(host, new CreateNic("tun0", false));
        host.Tell(new SetNicMac(name, MacAddress.Parse(mac)), TestActor);
        ExpectMsg<OperationFailed>(f => f.Errno == expected && f.Operation == "set-mac");
        host.Tell(new CreateNic("tap1", true, Mac: MacAddress.Parse(mac)), TestActor);
        ExpectMsg<object>(); // creating with it is checked the same way (or fine for a valid MAC)
    }

    [Fact]
    public void Creating_a_NIC_checks_MAC_and_MTU_as_setting_them_does()
    {
        var host = NewHost();
        host.Tell(new CreateNic("tap1", true, Mac: MacAddress.Broadcast), TestActor);
        ExpectMsg<OperationFailed>(f => f.Errno == Errno.EADDRNOTAVAIL && f.Operation == "create");
        host.Tell(new CreateNic("tap1", true, Mtu: 65535), TestActor);
        ExpectMsg<OperationFailed>(f => f.Errno == Errno.EINVAL);
        host.Tell(new CreateNic("tun1", false, Mac: NewMac), TestActor);
        ExpectMsg<OperationFailed>(f => f.Errno == Errno.EOPNOTSUPP);
    }

    private Errno WriteErrno(IActorRef file, byte[] frame)
    {
        file.Tell(new Write(frame), TestActor);
        return ExpectMsg<object>() switch { Written => Errno.None, OperationFailed f => f.Errno, var other => throw new Xunit.Sdk.XunitException($"write answered {other}") };
    }

    private T Request<T>(IActorRef target, object request)
    {
        target.Tell(request, TestActor);
        return ExpectMsg<T>();
    }
}
