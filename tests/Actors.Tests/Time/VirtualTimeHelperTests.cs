using System.Diagnostics;
using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Stack;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.TestKit;
using Xunit;

namespace NetSim.Actors.Tests.Time;

/// <summary>VirtualTimeTestKit: Expect calls move simulated time, so long protocol timeouts cost no wall-clock time.</summary>
public sealed class VirtualTimeHelperTests : VirtualTimeTestKit
{
    [Fact]
    public void A_three_second_ARP_timeout_is_expected_in_simulated_time()
    {
        var wall = Stopwatch.StartNew();
        var host = ActorOf(StackActor.Props("h1"), "h1");
        host.Tell(new CreateNic("tap0", true), TestActor);
        ExpectMsg<NicInfo>();
        host.Tell(new AddAddress("tap0", IpAddress.Parse("10.0.0.1"), 24), TestActor);
        ExpectMsg<HostConfigured>();
        host.Tell(new UdpBind(40000, TestActor), TestActor);
        ExpectMsg<UdpBound>();

        var t0 = Now;
        host.Tell(new UdpSend(40000, IpAddress.Parse("10.0.0.9"), 7, new byte[3]), TestActor);
        ExpectMsg(new UdpSent(40000, 3));
        ExpectNoMsg(TimeSpan.FromMilliseconds(2999));                     // three ARP requests, 1 s apart ...
        var failed = ExpectMsg<UdpSendFailed>(TimeSpan.FromSeconds(10)); // ... then EHOSTUNREACH
        Assert.Equal(Errno.EHOSTUNREACH, failed.Errno);
        Assert.Equal(TimeSpan.FromSeconds(3), Now - t0);
        // A wall-clock bound far above what this takes and far below the 3 s a real-time run needs.
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(2.5), $"took {wall.Elapsed} of wall-clock time");
    }

    [Fact]
    public void A_virtual_probe_waits_in_simulated_time_for_a_blocking_read()
    {
        var host = ActorOf(StackActor.Props("h1"), "h1");
        var file = ActorOf(DeviceActor.Props(host), "file");
        file.Tell(new Attach("tun0", TunFlags.Tun | TunFlags.NoPacketInfo), TestActor);
        var nicId = ExpectMsg<Attached>().NicId;
        var reader = CreateVirtualProbe("reader");
        file.Tell(Read.Instance, reader);
        reader.ExpectNoMsg(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromSeconds(60), Now);
        var packet = new byte[20];
        packet[0] = 0x45;
        host.Tell(new SendFrame(nicId, EtherType.IPv4, packet), TestActor);
        ExpectMsg<FrameSent>();
        Assert.Equal(packet, reader.ExpectMsg<Packet>().Frame.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(60), Now); // nothing waited for a timer: the clock did not move
    }

    [Fact]
    public void ExpectMsg_fails_when_nothing_comes_within_the_simulated_limit()
    {
        var host = ActorOf(StackActor.Props("h1"), "h1");
        var file = ActorOf(DeviceActor.Props(host), "file");
        file.Tell(new Attach("tun0", TunFlags.Tun), TestActor);
        ExpectMsg<Attached>();
        file.Tell(Read.Instance, TestActor);
        Assert.ThrowsAny<Exception>(() => ExpectMsg<Packet>(TimeSpan.FromMinutes(10)));
        Assert.Equal(TimeSpan.FromMinutes(10), Now);
    }
}
