using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Counters;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>
/// The frame path of links and switches: a non-blocking reader that the NIC pushes frames to (SubscribeFrames), and
/// writes that are answered only when they fail (Write with Quiet, and NicWrite straight into the NIC, checked as the
/// file checks a write). Counters stay as a read and a write keep them.
/// </summary>
public sealed class DirectPushTests : DeviceTestKit
{
    private (IActorRef Host, IActorRef File, Attached Nic) NonBlockingTun()
    {
        var host = NewHost();
        var file = Open(host, nonBlocking: true);
        return (host, file, Attach(file, "tun0", TunFlags.Tun | TunFlags.NoPacketInfo));
    }

    [Fact]
    public void A_push_subscriber_gets_every_queued_frame_as_PortFrames_and_the_NIC_counts_it_transmitted()
    {
        var (host, file, nic) = NonBlockingTun();
        var early = Ipv4(marker: 0x01);
        SendOut(host, nic.NicId, EtherType.IPv4, early); // queued before anyone subscribes
        var target = CreateTestProbe();
        file.Tell(new SubscribeFrames(target, 7), TestActor);
        ExpectMsg(new Subscribed(true));
        // Level check at subscription, as for readiness: what is already queued goes at once.
        var first = target.ExpectMsg<PortFrames>();
        Assert.Equal(7, first.Port);
        Assert.Equal(early, Assert.Single(first.Frames).ToArray());

        var later = Ipv4(marker: 0x02);
        SendOut(host, nic.NicId, EtherType.IPv4, later);
        Assert.Equal(later, Assert.Single(target.ExpectMsg<PortFrames>().Frames).ToArray());

        var c = Counters(host, "tun0");
        Assert.Equal((2L, (long)(early.Length + later.Length), 0), (c.TxPackets, c.TxBytes, c.Queued));
        // The file's own reads find nothing: the pushed frames were read.
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, Read.Instance));

        file.Tell(new SubscribeFrames(target, 7, Active: false), TestActor);
        ExpectMsg(new Subscribed(false));
        SendOut(host, nic.NicId, EtherType.IPv4, Ipv4());
        Assert.Equal(1, Counters(host, "tun0").Queued); // no push any more: it waits for a read
        target.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void Direct_push_is_refused_with_the_errno_of_the_file_state()
    {
        var host = NewHost();
        Assert.Equal(Errno.EBADFD, ExpectErrno(Open(host, nonBlocking: true), new SubscribeFrames(TestActor, 0)));
        var blocking = Open(host);
        Attach(blocking, "tun-b", TunFlags.Tun | TunFlags.NoPacketInfo);
        Assert.Equal(Errno.EINVAL, ExpectErrno(blocking, new SubscribeFrames(TestActor, 0)));
        var withPacketInfo = Open(host, nonBlocking: true);
        Attach(withPacketInfo, "tun-pi", TunFlags.Tun);
        Assert.Equal(Errno.EINVAL, ExpectErrno(withPacketInfo, new SubscribeFrames(TestActor, 0)));
    }

    [Fact]
    public void A_port_attaches_and_subscribes_in_one_request_and_is_handed_the_NIC()
    {
        var host = NewHost();
        var file = Open(host, nonBlocking: true);
        var target = CreateTestProbe();
        file.Tell(new AttachPort("tun0", TunFlags.Tun | TunFlags.NoPacketInfo, target, 3), TestActor);
        var attached = ExpectMsg<PortFileAttached>();
        var info = Lookup(host, "tun0");
        Assert.Equal((info.Name, info.NicId, info.Mtu), (attached.Attached.Name, attached.Attached.NicId, attached.Attached.Mtu));
        Assert.Equal(info.Nic, attached.Nic);
        Assert.Equal(1, info.AttachedFiles);
        ExpectNoMsg(TimeSpan.Zero); // no Subscribed: the reply says it all

        var frame = Ipv4(marker: 0x05);
        SendOut(host, info.NicId, EtherType.IPv4, frame);
        var pushed = target.ExpectMsg<PortFrames>();
        Assert.Equal(3, pushed.Port);
        Assert.Equal(frame, Assert.Single(pushed.Frames).ToArray());
    }

    [Fact]
    public void A_port_attach_is_refused_as_attach_where_a_push_could_not_be()
    {
        var host = NewHost();
        var flags = TunFlags.Tun | TunFlags.NoPacketInfo;
        Assert.Equal(Errno.EINVAL, ExpectErrno(Open(host), new AttachPort("tun0", flags, TestActor, 0)));          // blocking
        Assert.Equal(Errno.EINVAL, ExpectErrno(Open(host, nonBlocking: true), new AttachPort("tun0", TunFlags.Tun, TestActor, 0))); // PI header
        var lo = Open(host, nonBlocking: true);
        lo.Tell(new AttachPort("lo", flags, TestActor, 0), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.EOPNOTSUPP && e.Operation == "attach");
        host.Tell(new LookupNic("tun0"), TestActor);
        ExpectMsg<OperationFailed>(e => e.Errno == Errno.ENODEV); // nothing was created
    }

    [Fact]
    public void Pushed_frames_that_find_their_target_gone_are_counted_dropped_not_transmitted()
    {
        var (host, file, nic) = NonBlockingTun();
        var gone = Sys.ActorOf(Props.Empty);
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);
        file.Tell(new SubscribeFrames(gone, 0), TestActor);
        ExpectMsg<Subscribed>();
        SendOut(host, nic.NicId, EtherType.IPv4, Ipv4());
        SendOut(host, nic.NicId, EtherType.IPv4, Ipv4());
        AwaitAssert(() =>
        {
            var c = Counters(host, "tun0");
            Assert.Equal((0L, 0L, 2L, 0), (c.TxPackets, c.TxBytes, c.TxDropped, c.Queued));
            Assert.Equal(2, c.DropReasons[NicCounterNames.DropReasons.Closed]);
        });
    }

    [Fact]
    public void A_quiet_write_is_answered_only_when_it_fails()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        var inbound = CreateTestProbe();
        host.Tell(new SubscribeInbound(inbound), TestActor);
        ExpectMsg<InboundSubscribed>();

        var packet = Ipv4(marker: 0x33);
        file.Tell(new Write(packet, Quiet: true), TestActor);
        file.Tell(new Write(new byte[2000], Quiet: true), TestActor); // above the MTU
        // The first answer the writer hears is the failure: the accepted write sent no Written.
        Assert.Equal(Errno.EMSGSIZE, ExpectMsg<OperationFailed>().Errno);
        Assert.Equal(packet, inbound.ExpectMsg<InboundFrame>().Frame.ToArray());
        Assert.Equal(1, Counters(host, "tun0").RxPackets);
    }

    [Fact]
    public void A_write_straight_into_the_NIC_is_checked_as_the_file_checks_it_and_answered_only_when_refused()
    {
        var host = NewHost();
        var file = Open(host, nonBlocking: true);
        var tap = Attach(file, "tap0", TunFlags.Tap | TunFlags.NoPacketInfo);
        var nic = Lookup(host, "tap0").Nic;
        var inbound = CreateTestProbe();
        host.Tell(new SubscribeInbound(inbound), TestActor);
        ExpectMsg<InboundSubscribed>();

        var frame = new byte[14 + 28];
        EthernetHeader.Emit(frame, tap.Mac, MacAddress.Parse("02:aa:bb:cc:dd:ee"), EtherType.Arp);
        nic.Tell(new NicWrite(frame), TestActor);
        var got = inbound.ExpectMsg<InboundFrame>();
        Assert.Equal(EtherType.Arp, got.Protocol); // TAP: the protocol from the Ethernet type
        Assert.Equal(frame, got.Frame.ToArray());

        nic.Tell(new NicWrite(ReadOnlyMemory<byte>.Empty), TestActor);
        var empty = ExpectMsg<OperationFailed>();
        Assert.Equal((Errno.EINVAL, "write"), (empty.Errno, empty.Operation));
        nic.Tell(new NicWrite(new byte[1500 + 14 + 1]), TestActor); // MTU plus the Ethernet header, plus one
        Assert.Equal(Errno.EMSGSIZE, ExpectMsg<OperationFailed>().Errno);
        nic.Tell(new NicWrite(new byte[10]), TestActor); // too short for an Ethernet header: ignored, counted
        // ip link set mtu reaches the NIC too: the frame refused above now fits.
        host.Tell(new SetNicMtu("tap0", 2000), TestActor);
        ExpectMsg<NicInfo>();
        nic.Tell(new NicWrite(new byte[1500 + 14 + 1]), TestActor);
        inbound.ExpectMsg<InboundFrame>();

        var c = Counters(host, "tap0");
        Assert.Equal((2L, 1L), (c.RxPackets, c.RxErrors));
        Assert.Equal(1, c.DropReasons[NicCounterNames.DropReasons.ShortForEthernet]);
        ExpectNoMsg(TimeSpan.Zero); // the accepted writes were not answered
    }
}
