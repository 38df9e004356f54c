using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors.Stack;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.StackTests;

/// <summary>Stack options per host: netsim.stack defaults, netsim.stack.hosts.NAME overrides, and C# options.</summary>
public sealed class HostOptionsTests
{
    private const string FastNeighbours = """
        netsim.stack.default-ttl = 17
        netsim.stack.hosts.quick { neighbour.attempts = 2, neighbour.retry-interval = 100ms, forwarding = on, nic-queue-length = 4 }
        """;

    [Fact]
    public void HOCON_defaults_and_per_host_overrides_are_read()
    {
        var config = NetSimConfig.With(FastNeighbours);
        var quick = HostStackConfig.Read(config, "quick");
        Assert.Equal((2, TimeSpan.FromMilliseconds(100), true, (byte)17), (quick.ResolutionAttempts, quick.ResolutionRetryInterval, quick.Forwarding, quick.DefaultTtl));
        var other = HostStackConfig.Read(config, "other");
        Assert.Equal((3, TimeSpan.FromSeconds(1), false, (byte)17), (other.ResolutionAttempts, other.ResolutionRetryInterval, other.Forwarding, other.DefaultTtl));
        Assert.Equal(4, HostStackConfig.NicQueueLength(config, "quick"));
        Assert.Null(HostStackConfig.NicQueueLength(config, "other"));
    }

    [Theory]
    [InlineData("netsim.stack.neighbour.attempts = 0", "netsim.stack.neighbour.attempts: 0 is outside 1..255")]
    [InlineData("netsim.stack.hosts.h1.default-ttl = 300", "netsim.stack.hosts.h1.default-ttl: 300 is outside 1..255")]
    [InlineData("netsim.stack.neighbour.retry-interval = soon", "netsim.stack.neighbour.retry-interval: 'soon' is not a duration")]
    [InlineData("netsim.stack.hosts.h1.nic-queue-length = 0", "netsim.stack.hosts.h1.nic-queue-length: 0 is outside")]
    public void A_bad_value_fails_at_start_up_naming_its_key(string hocon, string message)
    {
        var e = Assert.ThrowsAny<Exception>(() => { using var sim = NetSimSystem.Create("bad", hocon); });
        var inner = e as ConfigurationException ?? e.InnerException as ConfigurationException ?? e.GetBaseException();
        Assert.Contains(message, inner.Message);
    }

    [Theory]
    [InlineData(true, 200)]   // HOCON: 2 attempts 100 ms apart
    [InlineData(false, 50)]   // C#: 1 attempt, 50 ms
    public async Task An_unreachable_neighbour_fails_after_the_hosts_own_timers(bool fromHocon, int failsAtMs)
    {
        var system = ActorSystem.Create("opts", NetSimConfig.Virtual(1, FastNeighbours));
        try
        {
            var driver = SimulationDriver.For(system);
            var log = new List<(TimeSpan At, object Message)>();
            var me = driver.ActorOf(Props.Create(() => new Recorder(log)).WithSimDispatcher(), "me");
            var options = fromHocon ? null : HostStackConfig.Read(system.Settings.Config, "slow") with
            {
                ResolutionAttempts = 1,
                ResolutionRetryInterval = TimeSpan.FromMilliseconds(50),
            };
            var host = driver.ActorOf(StackActor.Props(fromHocon ? "quick" : "slow", options), "host");
            host.Tell(new CreateNic("tap0", true), me);
            host.Tell(new AddAddress("tap0", IpAddress.Parse("10.0.0.1"), 24), me);
            host.Tell(new UdpBind(40000, me), me);
            driver.RunUntilIdle();
            log.Clear();
            var t0 = driver.Now;
            host.Tell(new UdpSend(40000, IpAddress.Parse("10.0.0.9"), 7, new byte[3]), me);
            driver.RunFor(TimeSpan.FromSeconds(5));
            Assert.IsType<UdpSent>(log[0].Message);
            var failed = log.Single(e => e.Message is UdpSendFailed);
            Assert.Equal(Errno.EHOSTUNREACH, ((UdpSendFailed)failed.Message).Errno);
            Assert.Equal(TimeSpan.FromMilliseconds(failsAtMs), failed.At - t0);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Per_host_TTL_forwarding_and_queue_length_reach_the_host()
    {
        using var sim = NetSimSystem.Create("opts-real", FastNeighbours);
        var quick = sim.AddHost("quick");
        var nic = await quick.CreateNicAsync("tun0", isTap: false);
        await quick.AddAddressAsync("tun0", IpAddress.Parse("10.0.0.1"), 24);
        var file = sim.OpenDevice(quick);
        await file.AttachAsync("tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        var port = await quick.UdpBindAsync(0, ActorRefs.Nobody);
        await quick.UdpSendAsync(port, IpAddress.Parse("10.0.0.2"), 9, new byte[4]);
        Assert.Equal(17, (await file.ReadAsync()).Span[8]); // netsim.stack.default-ttl

        for (var i = 0; i < 6; i++) await quick.SendFrameAsync(nic.NicId, EtherType.IPv4, new byte[20]);
        var counters = await quick.GetNicCountersAsync("tun0");
        Assert.Equal(2, counters.TxDropped); // nic-queue-length = 4

        var custom = sim.AddHost("custom", o => o with { DefaultTtl = 5 });
        Assert.Equal(17, sim.HostOptions("custom").DefaultTtl);
        await custom.CreateNicAsync("tun0", isTap: false);
        await custom.AddAddressAsync("tun0", IpAddress.Parse("10.0.0.1"), 24);
        var file2 = sim.OpenDevice(custom);
        await file2.AttachAsync("tun0", TunFlags.Tun | TunFlags.NoPacketInfo);
        var port2 = await custom.UdpBindAsync(0, ActorRefs.Nobody);
        await custom.UdpSendAsync(port2, IpAddress.Parse("10.0.0.2"), 9, new byte[4]);
        Assert.Equal(5, (await file2.ReadAsync()).Span[8]);
    }

    private sealed class Recorder : UntypedActor
    {
        private readonly List<(TimeSpan, object)> _log;
        public Recorder(List<(TimeSpan, object)> log) => _log = log;
        protected override void OnReceive(object message) => _log.Add((Context.SimElapsed(), message));
    }
}
