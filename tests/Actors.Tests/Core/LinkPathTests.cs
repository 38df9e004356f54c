using Akka.Actor;
using NetSim.Actors.Links;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol.Links;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>
/// The link's own path in virtual time: its arrival wake-ups (one per head of line, none cancelled), and what reaches
/// the far NIC, in which order and at which simulated instant.
/// </summary>
public sealed class LinkPathTests : IDisposable
{
    /// <summary>Keeps the messages it gets (a link's counters, a NIC's info) for the test to read.</summary>
    private sealed class Mailbox : ReceiveActor
    {
        public Mailbox(List<object> got) => ReceiveAny(got.Add);
    }

    private readonly ActorSystem _system;
    private readonly SimulationDriver _driver;
    private readonly IActorRef _h1, _h2;
    private readonly List<(TimeSpan At, byte Marker)> _arrivals = [];

    /// <summary>Records (simulated time, byte 20) of every frame entering a host's stack.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(List<(TimeSpan At, byte Marker)> log) => Receive<InboundFrame>(f => log.Add((Context.SimElapsed(), f.Frame.Span[20])));
    }

    public LinkPathTests()
    {
        _system = ActorSystem.Create("linkpath", NetSimConfig.Virtual(5));
        _driver = SimulationDriver.For(_system);
        _h1 = _driver.ActorOf(StackActor.Props("h1"), "h1");
        _h2 = _driver.ActorOf(StackActor.Props("h2"), "h2");
        _h1.Tell(new CreateNic("eth0", false));
        _h2.Tell(new CreateNic("eth0", false));
        _h2.Tell(new SubscribeInbound(_driver.ActorOf(Props.Create(() => new Recorder(_arrivals)).WithSimDispatcher(), "rec")));
        _driver.RunUntilIdle();
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(30));

    private IActorRef Link(LinkParameters parameters)
    {
        var link = _driver.ActorOf(LinkActor.Props("l1", new NicEndpoint(_h1, "h1", "eth0", false), new NicEndpoint(_h2, "h2", "eth0", false), parameters), "l1");
        _driver.RunUntilIdle();
        return link;
    }

    /// <summary>An IPv4 packet out of h1's eth0 (NIC 2: 1 is lo) marked <paramref name="marker"/> in byte 20.</summary>
    private void Send(byte marker)
    {
        var p = new byte[100];
        p[0] = 0x45;
        p[20] = marker;
        _h1.Tell(new SendFrame(2, EtherType.IPv4, p));
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));

    [Fact]
    public void A_frame_that_overtakes_the_head_of_the_line_arrives_first_and_same_instant_arrivals_keep_the_order_sent()
    {
        var link = Link(LinkParameters.Ideal with { Delay = Ms(10) });
        Send(1);                                                     // t = 0: due at 10 ms (a wake-up at 10 ms)
        _driver.RunFor(Ms(1));
        link.Tell(new SetLinkParameters(LinkParameters.Ideal with { Delay = Ms(2) }));
        Send(2);                                                     // t = 1 ms: due at 3 ms, ahead of the head
        _driver.RunFor(Ms(7));
        Send(3);                                                     // t = 8 ms: due at 10 ms, with frame 1
        _driver.RunFor(Ms(1));
        link.Tell(new SetLinkParameters(LinkParameters.Ideal with { Delay = Ms(0.5) }));
        Send(4);                                                     // t = 9 ms: due at 9.5 ms, ahead again
        _driver.RunFor(Ms(20));

        Assert.Equal([(Ms(3), (byte)2), (Ms(9.5), (byte)4), (Ms(10), (byte)1), (Ms(10), (byte)3)], _arrivals);
        Assert.Equal(0, _driver.PendingTimers); // every wake-up fired for a frame: none left armed
    }

    [Fact]
    public void Under_jitter_frames_arrive_at_their_drawn_instants_in_arrival_order()
    {
        var delay = Ms(5);
        var jitter = Ms(4);
        Link(LinkParameters.Ideal with { Delay = delay, Jitter = jitter });
        const int frames = 40;
        for (var i = 0; i < frames; i++)
        {
            Send((byte)i);
            _driver.RunFor(Ms(1));
        }
        _driver.RunFor(Ms(20));

        // The link draws one jitter per frame from its a-to-b stream, in the order sent; the frame arrives at
        // sent + delay + jitter, and frames due at one instant in the order sent.
        var draws = SimSeed.For(_system).Stream("link/l1/a-to-b");
        var expected = Enumerable.Range(0, frames)
            .Select(i => (At: Ms(i) + delay + TimeSpan.FromTicks((long)(draws.NextDouble() * jitter.Ticks)), Marker: (byte)i))
            .OrderBy(a => a.At).ThenBy(a => a.Marker).ToList();
        Assert.Equal(expected, _arrivals);
        Assert.NotEqual(expected.OrderBy(a => a.Marker), expected); // jitter did reorder them
    }

    /// <summary>What <paramref name="actor"/> answers to <paramref name="request"/>, once the instant is drained.</summary>
    private T Ask<T>(IActorRef actor, object request)
    {
        var got = new List<object>();
        actor.Tell(request, _driver.ActorOf(Props.Create(() => new Mailbox(got)).WithSimDispatcher()));
        _driver.RunUntilIdle();
        return Assert.IsType<T>(Assert.Single(got));
    }

    [Fact]
    public void Counter_views_read_what_a_NIC_and_a_link_answer_and_a_NIC_answers_the_same_counters_while_nothing_moved()
    {
        var link = Link(LinkParameters.Ideal with { Delay = Ms(1) });
        var nic = Ask<NicInfo>(_h1, new LookupNic("eth0")).Nic;
        var nicView = Ask<CounterView<NicCounters>>(nic, GetCounterView.Instance);
        var linkView = Ask<CounterView<LinkCounters>>(link, GetCounterView.Instance);
        var idle = Ask<NicCounters>(nic, GetNicCounters.Instance);
        Assert.Same(idle, Ask<NicCounters>(nic, GetNicCounters.Instance));
        Assert.Same(idle, nicView.Read());

        Send(1);
        Send(2);
        _driver.RunFor(Ms(0.5)); // sent, still on the wire

        var busy = nicView.Read();
        Assert.NotSame(idle, busy);
        Assert.Equal((idle.TxPackets + 2, 200L), (busy.TxPackets, busy.TxBytes - idle.TxBytes));
        Assert.Equal(Ask<NicCounters>(nic, GetNicCounters.Instance), busy);
        Assert.Equal(2, linkView.Read().Directions[0].InFlight);
        _driver.RunFor(Ms(1));
        var after = linkView.Read().Directions[0];
        Assert.Equal((2L, 2L, 0L), (after.Offered, after.Delivered, after.InFlight));
        Assert.Equal(Ask<LinkCounters>(link, GetLinkCounters.Instance).Directions[0], after);
    }

    [Fact]
    public void A_frame_crosses_a_link_with_no_port_on_its_way()
    {
        Link(LinkParameters.Ideal with { Delay = Ms(1) });
        Send(7);
        var turns = _driver.RunFor(Ms(2));

        Assert.Equal([(Ms(1), (byte)7)], _arrivals);
        // h1's stack, h1's NIC (it pushes to the link), the link (it arms the arrival), the wake-up firing, the link
        // (it writes into h2's NIC for h2's port), h2's NIC, h2's stack, the recorder: 8 scheduler turns. Through
        // the port (the link's PortWrite, the port's NicWrite) it took 9.
        Assert.Equal(8, turns);
    }

    [Fact]
    public void A_frame_for_a_NIC_whose_files_were_closed_is_dropped_as_file_closed()
    {
        var link = Link(LinkParameters.Ideal with { Delay = Ms(1) });
        _h2.Tell(new CloseFiles("eth0"));
        _driver.RunUntilIdle();
        AssertOneFrameDropped(link, "file-closed");
    }

    /// <summary>A frame sent from h1 reaches no stack, and <paramref name="link"/> counts it dropped for <paramref name="reason"/>.</summary>
    private void AssertOneFrameDropped(IActorRef link, string reason)
    {
        Send(1);
        _driver.RunFor(Ms(2));

        Assert.Empty(_arrivals);
        var aToB = Ask<LinkCounters>(link, GetLinkCounters.Instance).Directions[0];
        Assert.Equal((1L, 0L, 0L), (aToB.Offered, aToB.Delivered, aToB.InFlight));
        Assert.Equal(new Dictionary<string, long> { [reason] = 1 }, aToB.Dropped);
    }

    [Fact]
    public void A_frame_that_finds_the_far_NIC_stopped_is_dropped_as_nic_gone()
    {
        var link = Link(LinkParameters.Ideal);
        var nic = Ask<NicInfo>(_h2, new LookupNic("eth0")).Nic;
        nic.Tell(PoisonPill.Instance); // stops before the frame gets there, its port not yet told its file closed
        AssertOneFrameDropped(link, "nic-gone");
    }

    [Fact]
    public void A_switch_writes_into_its_NIC_ports_and_counts_a_frame_for_a_closed_one_as_file_closed()
    {
        var macs = new[] { MacAddress.Parse("02:00:00:00:00:03"), MacAddress.Parse("02:00:00:00:00:04") };
        var hosts = new[] { "h3", "h4" }.Select((name, i) =>
        {
            var host = _driver.ActorOf(StackActor.Props(name), name);
            host.Tell(new CreateNic("eth0", true, Mac: macs[i]));
            return host;
        }).ToArray();
        var log = new List<(TimeSpan, byte)>();
        hosts[1].Tell(new SubscribeInbound(_driver.ActorOf(Props.Create(() => new Recorder(log)).WithSimDispatcher(), "rec4")));
        var sw = _driver.ActorOf(Switches.SwitchActor.Props("s", [new NicEndpoint(hosts[0], "h3", "eth0", true), new NicEndpoint(hosts[1], "h4", "eth0", true)],
            TimeSpan.FromMinutes(5), delay: Ms(1)), "s");
        _driver.RunUntilIdle();
        void Broadcast(byte marker)
        {
            var frame = new byte[60];
            EthernetHeader.Emit(frame, MacAddress.Broadcast, macs[0], EtherType.IPv4);
            frame[20] = marker;
            hosts[0].Tell(new SendFrame(2, EtherType.IPv4, frame));
        }

        Broadcast(1);
        _driver.RunFor(Ms(2));
        hosts[1].Tell(new CloseFiles("eth0"));
        _driver.RunUntilIdle();
        Broadcast(2);
        _driver.RunFor(Ms(2));

        Assert.Equal([(Ms(1), (byte)1)], log);
        var toH4 = Ask<LinkCounters>(sw, GetLinkCounters.Instance).Directions.Single(w => w.To == "h4.eth0");
        Assert.Equal((2L, 1L, 0L), (toH4.Offered, toH4.Delivered, toH4.InFlight));
        Assert.Equal(new Dictionary<string, long> { ["file-closed"] = 1 }, toH4.Dropped);
    }

    [Fact]
    public void A_single_pushed_frame_travels_without_a_list_and_serializes_as_a_one_frame_batch()
    {
        var one = PortFrames.Of(1, new byte[] { 1, 2, 3 });
        Assert.Equal((1, 1), (one.Port, one.Count));
        Assert.Equal(new byte[] { 1, 2, 3 }, one[0].ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => one[1]);
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.Single(one.Frames).ToArray());

        var serializer = _system.Serialization.FindSerializerFor(one);
        var copy = (PortFrames)_system.Serialization.Deserialize(serializer.ToBinary(one), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, one));
        Assert.Equal((1, 1), (copy.Port, copy.Count));
        Assert.Equal(new byte[] { 1, 2, 3 }, copy[0].ToArray());

        var two = new PortFrames(0, [new byte[] { 4 }, new byte[] { 5 }]);
        Assert.Equal((2, (byte)5), (two.Count, two[1].Span[0]));
    }
}
