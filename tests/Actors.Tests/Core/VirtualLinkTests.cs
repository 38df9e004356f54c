using Akka.Actor;
using NetSim.Actors.Links;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>Links in virtual time: frames arrive at their simulated times exactly, and runs repeat.</summary>
public sealed class VirtualLinkTests
{
    /// <summary>Records (simulated time, first payload byte) of every frame entering a host's stack.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(List<(TimeSpan At, byte Marker)> log) => Receive<InboundFrame>(f => log.Add((Context.SimElapsed(), f.Frame.Span[20])));
    }

    private static List<(TimeSpan, byte)> Run(ulong seed, LinkParameters parameters, int frames, TimeSpan gap)
    {
        var system = ActorSystem.Create("vlink", NetSimConfig.Virtual(seed));
        try
        {
            var driver = SimulationDriver.For(system);
            var h1 = driver.ActorOf(StackActor.Props("h1"), "h1");
            var h2 = driver.ActorOf(StackActor.Props("h2"), "h2");
            h1.Tell(new CreateNic("eth0", false));
            h2.Tell(new CreateNic("eth0", false));
            var log = new List<(TimeSpan, byte)>();
            var recorder = driver.ActorOf(Props.Create(() => new Recorder(log)).WithSimDispatcher(), "rec");
            h2.Tell(new SubscribeInbound(recorder));
            driver.ActorOf(LinkActor.Props("l1", new NicEndpoint(h1, "h1", "eth0", false), new NicEndpoint(h2, "h2", "eth0", false), parameters), "l1");
            driver.RunUntilIdle();
            for (var i = 0; i < frames; i++)
            {
                var p = new byte[100];
                p[0] = 0x45;
                p[20] = (byte)i;
                // NIC IDs: 1 is lo, so eth0 is 2 on each host.
                h1.Tell(new SendFrame(2, EtherType.IPv4, p));
                driver.RunFor(gap);
            }
            driver.RunFor(TimeSpan.FromSeconds(1));
            return log;
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void Frames_arrive_after_delay_plus_serialization_time_in_simulated_time()
    {
        // 100-byte frames at 1 Mbit/s take 800 us on the wire; 20 ms propagation.
        var p = LinkParameters.Ideal with { Delay = TimeSpan.FromMilliseconds(20), RateBitsPerSecond = 1_000_000 };
        var log = Run(1, p, frames: 3, gap: TimeSpan.Zero);
        Assert.Equal(
            [(TimeSpan.FromMicroseconds(20_800), (byte)0), (TimeSpan.FromMicroseconds(21_600), (byte)1), (TimeSpan.FromMicroseconds(22_400), (byte)2)],
            log);
    }

    [Fact]
    public async Task A_switch_holds_each_frame_for_its_forwarding_delay()
    {
        var system = ActorSystem.Create("vswitch", NetSimConfig.Virtual(1));
        try
        {
            var driver = SimulationDriver.For(system);
            var h1 = driver.ActorOf(StackActor.Props("h1"), "h1");
            var h2 = driver.ActorOf(StackActor.Props("h2"), "h2");
            h1.Tell(new CreateNic("eth0", true, Mac: MacAddress.Parse("02:00:00:00:00:01")));
            h2.Tell(new CreateNic("eth0", true, Mac: MacAddress.Parse("02:00:00:00:00:02")));
            var log = new List<(TimeSpan, byte)>();
            h2.Tell(new SubscribeInbound(driver.ActorOf(Props.Create(() => new Recorder(log)).WithSimDispatcher(), "rec")));
            driver.ActorOf(Switches.SwitchActor.Props("s", [new NicEndpoint(h1, "h1", "eth0", true), new NicEndpoint(h2, "h2", "eth0", true)],
                TimeSpan.FromMinutes(5), delay: TimeSpan.FromMicroseconds(50)), "s");
            driver.RunFor(TimeSpan.FromMilliseconds(1));
            var frame = new byte[60];
            EthernetHeader.Emit(frame, MacAddress.Broadcast, MacAddress.Parse("02:00:00:00:00:01"), EtherType.IPv4);
            frame[20] = 9; // the recorder logs byte 20
            h1.Tell(new SendFrame(2, EtherType.IPv4, frame));
            driver.RunFor(TimeSpan.FromMilliseconds(1));
            Assert.Equal([(TimeSpan.FromMicroseconds(1050), (byte)9)], log);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void A_rate_limited_queue_drops_beyond_its_limit()
    {
        var p = LinkParameters.Ideal with { RateBitsPerSecond = 1_000_000, QueueLimit = 2 };
        // All 5 frames at t=0: one goes on the wire at once, two wait, two are dropped.
        var log = Run(1, p, frames: 5, gap: TimeSpan.Zero);
        Assert.Equal([0, 1, 2], log.Select(l => (int)l.Item2));
    }

    [Fact]
    public void Loss_and_jitter_repeat_with_the_seed_and_change_with_another()
    {
        var p = LinkParameters.Ideal with { Delay = TimeSpan.FromMilliseconds(5), Jitter = TimeSpan.FromMilliseconds(4), Loss = 0.3 };
        var a = Run(7, p, frames: 60, gap: TimeSpan.FromMilliseconds(1));
        var b = Run(7, p, frames: 60, gap: TimeSpan.FromMilliseconds(1));
        var c = Run(8, p, frames: 60, gap: TimeSpan.FromMilliseconds(1));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.InRange(a.Count, 25, 55); // about 70% of 60 arrive
        Assert.All(a, x => Assert.InRange(x.Item1 - TimeSpan.FromMilliseconds(x.Item2), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(9)));
    }
}
