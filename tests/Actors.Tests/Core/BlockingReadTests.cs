using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>
/// Files open blocking, as open(2) without O_NONBLOCK: a read on an empty queue waits for the next frame; a
/// non-blocking file answers EAGAIN; a close (or the NIC's removal) wakes a waiting reader with an errno.
/// </summary>
public sealed class BlockingReadTests : DeviceTestKit
{
    private const TunFlags TunNoPi = TunFlags.Tun | TunFlags.NoPacketInfo;

    [Fact]
    public void A_blocking_read_is_answered_by_a_later_write()
    {
        var host = NewHost();
        var file = Open(host);
        var a = Attach(file, "tun0", TunNoPi);
        var reader = CreateTestProbe();
        file.Tell(Read.Instance, reader);
        file.Tell(new ReadBatch(8), reader);
        reader.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing queued: both wait

        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 1));
        Assert.Equal(1, reader.ExpectMsg<Packet>().Frame.Span[20]);     // the first read gets the first frame
        SendOut(host, a.NicId, EtherType.IPv4, Ipv4(marker: 2));
        Assert.Equal(2, Assert.Single(reader.ExpectMsg<PacketBatch>().Frames).Span[20]);
        reader.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void A_write_into_another_file_answers_the_waiting_read_through_a_router()
    {
        // The full path: a blocking read on tun2 waits until a write into tun1 is forwarded out of tun2.
        var host = NewHost();
        host.Tell(new CreateNic("tun1", false), TestActor); ExpectMsg<NicInfo>();
        host.Tell(new CreateNic("tun2", false), TestActor); ExpectMsg<NicInfo>();
        host.Tell(new AddAddress("tun1", IpAddress.Parse("10.0.1.1"), 24), TestActor); ExpectMsg<HostConfigured>();
        host.Tell(new AddAddress("tun2", IpAddress.Parse("10.0.2.1"), 24), TestActor); ExpectMsg<HostConfigured>();
        host.Tell(new SetForwarding(true), TestActor); ExpectMsg<HostConfigured>();
        var a = Open(host);
        var b = Open(host);
        Attach(a, "tun1", TunNoPi);
        Attach(b, "tun2", TunNoPi);
        var reader = CreateTestProbe();
        b.Tell(Read.Instance, reader);
        reader.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        var packet = UdpPacket("10.0.1.2", "10.0.2.2");
        a.Tell(new Write(packet), TestActor);
        ExpectMsg<Written>();
        var forwarded = reader.ExpectMsg<Packet>().Frame.Span;
        Assert.Equal(63, forwarded[8]); // TTL decremented by the router
    }

    [Fact]
    public void A_non_blocking_read_on_an_empty_queue_is_EAGAIN_and_SetNonBlocking_switches()
    {
        var host = NewHost();
        var file = Open(host, nonBlocking: true);
        Attach(file, "tun0", TunNoPi);
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, Read.Instance));
        Assert.Equal(Errno.EAGAIN, ExpectErrno(file, new ReadBatch(4)));

        file.Tell(new SetNonBlocking(false), TestActor);
        ExpectMsg(new NonBlockingSet(false));
        file.Tell(Read.Instance, TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // blocking now
    }

    [Fact]
    public void Close_wakes_a_waiting_reader_with_EBADF()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunNoPi);
        var other = Open(host);
        Attach(other, "tun0", TunNoPi);
        var reader = CreateTestProbe();
        var otherReader = CreateTestProbe();
        file.Tell(Read.Instance, reader);
        other.Tell(Read.Instance, otherReader);
        reader.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        file.Tell(Close.Instance, TestActor);
        ExpectMsg<Closed>();
        var woken = reader.ExpectMsg<OperationFailed>();
        Assert.Equal((Errno.EBADF, "read"), (woken.Errno, woken.Operation));
        otherReader.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the other file's read still waits
    }

    [Fact]
    public void Removing_the_NIC_wakes_a_waiting_reader_with_EFAULT()
    {
        var host = NewHost();
        var file = Open(host);
        Attach(file, "tun0", TunNoPi);
        var reader = CreateTestProbe();
        file.Tell(new ReadBatch(4), reader);
        reader.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        host.Tell(new RemoveNic("tun0"), TestActor);
        ExpectMsg<NicRemoved>();
        var woken = reader.ExpectMsg<OperationFailed>();
        Assert.Equal((Errno.EFAULT, "read-batch"), (woken.Errno, woken.Operation));
    }

    [Fact]
    public async Task In_virtual_time_a_blocking_read_is_answered_when_the_frame_arrives()
    {
        var system = ActorSystem.Create("blocking-vt", NetSimConfig.Virtual(1));
        try
        {
            var driver = SimulationDriver.For(system);
            var replies = new List<(TimeSpan At, object Reply)>();
            var reader = driver.ActorOf(Props.Create(() => new Recorder(replies)).WithSimDispatcher(), "reader");
            var host = driver.ActorOf(StackActor.Props("h1"), "h1");
            var file = driver.ActorOf(DeviceActor.Props(host), "file");
            file.Tell(new Attach("tun0", TunNoPi), reader);
            driver.RunUntilIdle();
            var nicId = Assert.IsType<Attached>(Assert.Single(replies).Reply).NicId;
            replies.Clear();

            file.Tell(Read.Instance, reader);
            var frame = Ipv4(marker: 9);
            driver.ActorOf(Props.Create(() => new DelayedSend(host, nicId, frame, TimeSpan.FromSeconds(5))).WithSimDispatcher(), "later");
            driver.RunFor(TimeSpan.FromSeconds(4));
            Assert.Empty(replies);
            driver.RunFor(TimeSpan.FromSeconds(2));
            var (at, reply) = Assert.Single(replies);
            Assert.Equal(TimeSpan.FromSeconds(5), at);
            Assert.Equal(9, Assert.IsType<Packet>(reply).Frame.Span[20]);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class Recorder : UntypedActor
    {
        private readonly List<(TimeSpan, object)> _log;
        public Recorder(List<(TimeSpan, object)> log) => _log = log;
        protected override void OnReceive(object message) => _log.Add((Context.SimElapsed(), message));
    }

    /// <summary>Sends one frame out of a NIC after a simulated delay.</summary>
    private sealed class DelayedSend : UntypedActor, IWithTimers
    {
        private readonly IActorRef _host;
        private readonly int _nicId;
        private readonly byte[] _frame;
        public ITimerScheduler Timers { get; set; } = null!;
        public DelayedSend(IActorRef host, int nicId, byte[] frame, TimeSpan after)
        {
            (_host, _nicId, _frame) = (host, nicId, frame);
            Timers.StartSingleTimer("send", "send", after);
        }
        protected override void OnReceive(object message)
        {
            if (message is "send") _host.Tell(new SendFrame(_nicId, EtherType.IPv4, _frame));
        }
    }

    private static byte[] UdpPacket(string source, string destination)
    {
        var (src, dst) = (Ipv4Address.Parse(source), Ipv4Address.Parse(destination));
        var packet = new byte[Ipv4Header.MinLength + UdpHeader.Length + 4];
        Ipv4Header.Emit(packet, src, dst, IpProtocol.Udp, UdpHeader.Length + 4, ttl: 64, identification: 1);
        UdpHeader.Emit(packet.AsSpan(Ipv4Header.MinLength), 1234, 9, new byte[4], UdpHeader.PseudoHeader(src, dst, UdpHeader.Length + 4));
        return packet;
    }
}
