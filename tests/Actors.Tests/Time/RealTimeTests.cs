using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors.Time;
using Xunit;
using Xunit.Abstractions;

namespace NetSim.Actors.Tests.Time;

/// <summary>The same actors in real mode, on wall-clock time and the thread pool, observed with TestKit.</summary>
public sealed class RealTimeTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(TimeModeConfig.Apply(ConfigurationFactory.ParseString("netsim.random.seed = 42"), TimeMode.Real), "real", output)
{
    [Fact]
    public void Scenario_actors_exchange_pings_and_pongs_on_wall_clock_time()
    {
        var log = new EventLog();
        Sys.ActorOf(HubActor.Props(3, log, TestActor), "hub");

        for (var i = 0; i < 5; i++)
        {
            ExpectMsg<Pong>(TimeSpan.FromSeconds(10));
        }
        Assert.Contains(log.Lines, l => l.Contains("started"));
        Assert.Equal(TimeMode.Real, SimClock.For(Sys).Mode);
        Assert.True(Sys.SimElapsed() > TimeSpan.Zero);
    }

    [Fact]
    public void Timers_and_DeathWatch_work_on_the_real_dispatcher()
    {
        var child = Sys.ActorOf(Props.Create(() => new SelfStopper(TimeSpan.FromMilliseconds(50))).WithSimDispatcher(), "stopper");
        Watch(child);
        ExpectTerminated(child, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void There_is_no_driver_in_real_mode()
    {
        Assert.IsNotType<VirtualScheduler>(Sys.Scheduler);
        Assert.ThrowsAny<Exception>(() => SimulationDriver.For(Sys));
    }

    private sealed class SelfStopper : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public SelfStopper(TimeSpan after)
        {
            Receive<Tick>(_ => Context.Stop(Self));
            Timers.StartSingleTimer("stop", new Tick(), after);
        }
    }
}

/// <summary>TestKit on a virtual-time system: probes run synchronously on the driving thread.</summary>
public sealed class VirtualTimeTestKitTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(TimeModeConfig.Apply(ConfigurationFactory.ParseString("netsim.random.seed = 42"), TimeMode.Virtual), "virt", output)
{
    [Fact]
    public void Probe_sees_pongs_after_driving_and_system_shuts_down()
    {
        var driver = SimulationDriver.For(Sys);
        var log = new EventLog();
        driver.ActorOf(HubActor.Props(3, log, TestActor), "hub");

        driver.RunFor(TimeSpan.FromMilliseconds(5));
        ExpectNoMsg(TimeSpan.Zero);     // nothing before the first tick and its delay

        driver.RunFor(TimeSpan.FromSeconds(1));
        // Delivered synchronously during RunFor (TestActor uses the calling-thread dispatcher): no waiting needed.
        var pong = ExpectMsg<Pong>(TimeSpan.Zero);
        Assert.StartsWith("n", pong.From);
    }

    [Fact]
    public void DeathWatch_from_a_probe()
    {
        var driver = SimulationDriver.For(Sys);
        var probe = CreateTestProbe();
        var echo = driver.ActorOf(Props.Create(() => new Echo()).WithSimDispatcher(), "echo");
        probe.Watch(echo);
        driver.RunUntilIdle();
        driver.Stop(echo);
        driver.RunUntilIdle();
        probe.ExpectTerminated(echo, TimeSpan.Zero);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }
}
