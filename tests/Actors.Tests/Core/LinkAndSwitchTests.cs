using Akka.Actor;
using NetSim.Actors.Links;
using NetSim.Actors.Switches;
using NetSim.Protocol;
using NetSim.Protocol.Capture;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>Links and switches move frames between hosts' NICs through device files (real time, zero delay).</summary>
public sealed class LinkAndSwitchTests : DeviceTestKit
{
    private (IActorRef Host, NicInfo Nic) HostWithNic(bool tap, string mac = "")
    {
        var host = NewHost();
        host.Tell(new CreateNic("eth0", tap, Mac: mac.Length > 0 ? MacAddress.Parse(mac) : null), TestActor);
        return (host, ExpectMsg<NicInfo>());
    }

    private IActorRef Inbound(IActorRef host)
    {
        var probe = CreateTestProbe();
        host.Tell(new SubscribeInbound(probe), TestActor);
        ExpectMsg<InboundSubscribed>();
        return probe;
    }

    private IActorRef Link(IActorRef h1, IActorRef h2, bool tap, LinkParameters p)
    {
        var link = Sys.ActorOf(LinkActor.Props("l1", new NicEndpoint(h1, "h1", "eth0", tap), new NicEndpoint(h2, "h2", "eth0", tap), p, creator: TestActor));
        ExpectMsg<LinkReady>();
        return link;
    }

    [Fact]
    public void A_link_carries_frames_both_ways_byte_for_byte()
    {
        var (h1, n1) = HostWithNic(tap: false);
        var (h2, n2) = HostWithNic(tap: false);
        var in1 = Inbound(h1);
        var in2 = Inbound(h2);
        var link = Link(h1, h2, tap: false, LinkParameters.Ideal);

        var packet = Ipv4(marker: 0x11);
        SendOut(h1, n1.NicId, EtherType.IPv4, packet);
        var got = ((Akka.TestKit.TestProbe)in2).ExpectMsg<InboundFrame>();
        Assert.Equal(packet, got.Frame.ToArray());
        Assert.Equal(n2.NicId, got.NicId);

        SendOut(h2, n2.NicId, EtherType.IPv4, Ipv4(marker: 0x22));
        Assert.Equal(0x22, ((Akka.TestKit.TestProbe)in1).ExpectMsg<InboundFrame>().Frame.Span[20]);

        link.Tell(GetLinkCounters.Instance, TestActor);
        var c = ExpectMsg<LinkCounters>();
        Assert.Equal(2, c.Taken);
        Assert.Equal(2, c.Delivered);
        Assert.Equal(0, c.Dropped);
        Assert.Equal(2, Lookup(h1, "eth0").AttachedFiles + Lookup(h2, "eth0").AttachedFiles);
    }

    [Fact]
    public void Counters_asked_again_are_the_same_answer_until_a_frame_moves()
    {
        var (h1, n1) = HostWithNic(tap: false);
        var (h2, _) = HostWithNic(tap: false);
        var in2 = (Akka.TestKit.TestProbe)Inbound(h2);
        var link = Link(h1, h2, tap: false, LinkParameters.Ideal);
        LinkCounters Ask()
        {
            link.Tell(GetLinkCounters.Instance, TestActor);
            return ExpectMsg<LinkCounters>();
        }

        var idle = Ask();
        Assert.Same(idle, Ask()); // nothing moved: the answer is not built again
        Assert.Empty(idle.DropReasons);
        SendOut(h1, n1.NicId, EtherType.IPv4, Ipv4());
        in2.ExpectMsg<InboundFrame>();
        var one = Ask();
        Assert.NotSame(idle, one);
        Assert.Equal((1L, 1L, 0L), (one.Taken, one.Delivered, one.Dropped));
        Assert.Equal((1L, 0L), (one.Directions[0].Offered, one.Directions[1].Offered));
        Assert.Same(idle.Directions[1], one.Directions[1]); // the idle direction's part is kept too
        Assert.Same(one, Ask());

        link.Tell(new SetLinkParameters(LinkParameters.Ideal with { Loss = 1.0 }), TestActor);
        ExpectMsg<LinkParametersSet>();
        SendOut(h1, n1.NicId, EtherType.IPv4, Ipv4());
        AwaitAssert(() => Assert.Equal(1, Ask().DropReasons.GetValueOrDefault("loss")));
        var lost = Ask();
        Assert.Equal((2L, 1L, 1L), (lost.Taken, lost.Delivered, lost.Dropped));
        Assert.Equal(1, lost.Directions[0].Dropped["loss"]);
        Assert.Empty(one.DropReasons); // an earlier answer is not changed by later drops
    }

    [Fact]
    public void A_lossy_or_down_link_drops_and_counts_every_frame()
    {
        var (h1, n1) = HostWithNic(tap: false);
        var (h2, _) = HostWithNic(tap: false);
        var in2 = (Akka.TestKit.TestProbe)Inbound(h2);
        var link = Link(h1, h2, tap: false, LinkParameters.Ideal with { Loss = 1.0 });
        for (var i = 0; i < 10; i++) SendOut(h1, n1.NicId, EtherType.IPv4, Ipv4());
        AwaitAssert(() =>
        {
            link.Tell(GetLinkCounters.Instance, TestActor);
            var c = ExpectMsg<LinkCounters>();
            Assert.Equal(10, c.Dropped);
            Assert.Equal(10, c.DropReasons["loss"]);
        });
        link.Tell(new SetLinkParameters(LinkParameters.Ideal with { Up = false }), TestActor);
        ExpectMsg<LinkParametersSet>();
        for (var i = 0; i < 3; i++) SendOut(h1, n1.NicId, EtherType.IPv4, Ipv4());
        AwaitAssert(() =>
        {
            link.Tell(GetLinkCounters.Instance, TestActor);
            var c = ExpectMsg<LinkCounters>();
            Assert.Equal(13, c.Taken);
            Assert.Equal(3, c.DropReasons["down"]);
            Assert.Equal(0, c.Delivered);
            var aToB = c.Directions[0];
            Assert.Equal((13L, 10L, 3L, 0L), (aToB.Offered, aToB.Dropped["loss"], aToB.Dropped["down"], aToB.Delivered));
            Assert.Equal(0, c.Directions[1].Offered);
        });
        in2.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_write_the_far_NIC_refuses_is_counted_as_a_drop()
    {
        var h1 = NewHost();
        h1.Tell(new CreateNic("eth0", false, Mtu: 9000), TestActor);
        var n1 = ExpectMsg<NicInfo>();
        var (h2, _) = HostWithNic(tap: false); // MTU 1500
        var link = Link(h1, h2, tap: false, LinkParameters.Ideal);
        SendOut(h1, n1.NicId, EtherType.IPv4, Ipv4(payload: 3000));
        AwaitAssert(() =>
        {
            link.Tell(GetLinkCounters.Instance, TestActor);
            var c = ExpectMsg<LinkCounters>();
            Assert.Equal(1, c.DropReasons["too-big"]);
            Assert.Equal(0, c.Delivered);
            Assert.Equal((1L, 0L, 1L), (c.Directions[0].Offered, c.Directions[0].Delivered, c.Directions[0].Dropped["too-big"]));
        });
    }

    [Fact]
    public void A_link_to_a_NIC_of_the_other_type_fails_with_the_errno()
    {
        var (h1, _) = HostWithNic(tap: false);
        var (h2, _) = HostWithNic(tap: true);
        Sys.ActorOf(LinkActor.Props("bad", new NicEndpoint(h1, "h1", "eth0", false), new NicEndpoint(h2, "h2", "eth0", false), LinkParameters.Ideal, TestActor));
        var failed = ExpectMsg<LinkFailed>();
        Assert.Equal(Errno.EINVAL, failed.Errno);
        Assert.Equal("h2.eth0", failed.Endpoint);
    }

    [Fact]
    public void A_learning_switch_floods_unknown_and_broadcast_then_forwards_to_the_learned_port()
    {
        var macs = new[] { "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03" };
        var hosts = macs.Select(m => HostWithNic(tap: true, m)).ToArray();
        var inbound = hosts.Select(h => (Akka.TestKit.TestProbe)Inbound(h.Host)).ToArray();
        var sw = Sys.ActorOf(SwitchActor.Props("s1", hosts.Select((h, i) => new NicEndpoint(h.Host, "h" + i, "eth0", true)).ToList(), TimeSpan.FromMinutes(5), TestActor));
        ExpectMsg<LinkReady>();

        byte[] Frame(int from, MacAddress to)
        {
            var f = new byte[60];
            EthernetHeader.Emit(f, to, hosts[from].Nic.Mac, EtherType.IPv4);
            f[14] = 0x45;
            return f;
        }

        // Broadcast from host 0: everyone else gets it.
        SendOut(hosts[0].Host, hosts[0].Nic.NicId, EtherType.IPv4, Frame(0, MacAddress.Broadcast));
        inbound[1].ExpectMsg<InboundFrame>();
        inbound[2].ExpectMsg<InboundFrame>();
        // Host 1 answers host 0 (learned): only host 0 gets it.
        SendOut(hosts[1].Host, hosts[1].Nic.NicId, EtherType.IPv4, Frame(1, hosts[0].Nic.Mac));
        Assert.Equal(hosts[1].Nic.Mac, EthernetHeader.Parse(inbound[0].ExpectMsg<InboundFrame>().Frame.Span).Source);
        inbound[2].ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        sw.Tell(GetMacTable.Instance, TestActor);
        Assert.Equal([(hosts[0].Nic.Mac, 0), (hosts[1].Nic.Mac, 1)], ExpectMsg<MacTable>().Entries.Select(e => (e.Mac, e.Port)));
        sw.Tell(GetLinkCounters.Instance, TestActor);
        var c = ExpectMsg<LinkCounters>();
        Assert.Equal(2, c.Taken);
        Assert.Equal(3, c.Delivered);
    }

    [Fact]
    public void Capture_sees_frames_in_both_directions_and_CloseFiles_makes_a_NIC_go_away()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", Protocol.TunFlags.Tun | Protocol.TunFlags.NoPacketInfo);
        var nic = Lookup(host, "tun0").Nic;
        nic.Tell(new CaptureNic(TestActor, true), TestActor);
        ExpectMsg<CaptureStarted>(c => c.NicName == "tun0" && !c.IsTap);
        file.Tell(new Protocol.Device.Write(Ipv4(marker: 1)), TestActor);
        ExpectMsg<Protocol.Device.Written>();
        var rx = ExpectMsg<CapturedFrame>();
        Assert.False(rx.Outbound);
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 2));
        var tx = ExpectMsg<CapturedFrame>();
        Assert.True(tx.Outbound);
        Assert.Equal(2, tx.Frame.Span[20]);
        Assert.True(tx.Timestamp >= rx.Timestamp);

        Watch(nic);
        host.Tell(new CloseFiles("tun0"), TestActor);
        ExpectMsg(new FilesClosed("tun0", 1));
        ExpectTerminated(nic);
    }

    [Fact]
    public void A_port_write_batch_reports_the_refused_frame_and_the_rest_of_its_batch_as_failed()
    {
        // A bridge writes what it read from the kernel in batches; write-batch stops at the first refused frame
        // (sendmmsg), so that frame and every later one come back as failures to be counted, none lost silently.
        var (h1, _) = HostWithNic(tap: false);
        var port = Sys.ActorOf(PortActor.Props(0, new NicEndpoint(h1, "h1", "eth0", false), TestActor));
        Assert.Equal(Errno.None, ExpectMsg<PortAttached>().Errno);
        var ok = new byte[100];
        ok[0] = 0x45;
        var tooBig = new byte[2000];
        tooBig[0] = 0x45;
        port.Tell(new PortWriteBatch([ok, ok, tooBig, ok]));
        Assert.Equal(new PortWriteFailed(0, "too-big", 2), ExpectMsg<PortWriteFailed>());
        port.Tell(new PortWriteBatch([tooBig]));
        Assert.Equal(new PortWriteFailed(0, "too-big", 1), ExpectMsg<PortWriteFailed>());
    }
}
