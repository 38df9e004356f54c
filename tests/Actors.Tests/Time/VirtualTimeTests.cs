using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors.Time;
using Xunit;
using Xunit.Abstractions;

namespace NetSim.Actors.Tests.Time;

public sealed class VirtualTimeTests(ITestOutputHelper output)
{
    // A hang guard for system shutdown only; never a timing assertion.
    private static readonly TimeSpan TerminateGuard = TimeSpan.FromSeconds(30);

    internal static ActorSystem CreateVirtualSystem(ulong seed, string name = "sim") =>
        ActorSystem.Create(name, TimeModeConfig.Apply(
            ConfigurationFactory.ParseString($"netsim.random.seed = {seed}\nakka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"),
            TimeMode.Virtual));

    /// <summary>Terminates and fails if that hangs (the guard is a hang detector, not a timing assertion).</summary>
    internal static void Shutdown(ActorSystem system) =>
        Assert.True(system.Terminate().Wait(TerminateGuard), "system did not terminate");

    private static IReadOnlyList<string> RunScenario(ulong seed, TimeSpan duration)
    {
        var system = CreateVirtualSystem(seed);
        try
        {
            var driver = SimulationDriver.For(system);
            var log = new EventLog();
            driver.ActorOf(HubActor.Props(5, log), "hub");
            driver.RunUntil(duration);
            Assert.Equal(duration, driver.Now);
            return log.Lines;
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public void Same_seed_gives_identical_event_logs()
    {
        var first = RunScenario(42, TimeSpan.FromSeconds(2));
        var second = RunScenario(42, TimeSpan.FromSeconds(2));

        Assert.True(first.Count > 500, $"expected a busy scenario, got {first.Count} events");
        Assert.Contains(first, l => l.Contains("lost ping"));
        Assert.Contains(first, l => l.Contains("pong#"));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seed_gives_a_different_event_log()
    {
        var a = RunScenario(42, TimeSpan.FromSeconds(1));
        var b = RunScenario(43, TimeSpan.FromSeconds(1));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Events_are_stamped_with_simulated_time_in_order()
    {
        var lines = RunScenario(7, TimeSpan.FromMilliseconds(500));
        var times = lines.Select(l => double.Parse(l.AsSpan(0, l.IndexOf("ms", StringComparison.Ordinal)).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(times.Order(), times);
        Assert.Equal(0.0, times[0]);
        Assert.True(times[^1] <= 500.0);
        // The 10 ms node ticks at exactly 10, 20, ...: the first send of n0 happens at 10.000 ms simulated.
        Assert.Contains(lines, l => l.StartsWith("    10.000ms n0 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Sixty_simulated_seconds_of_a_10ms_timer_give_6000_ticks()
    {
        var system = CreateVirtualSystem(1);
        try
        {
            var driver = SimulationDriver.For(system);
            var count = new Box<long>(0);
            var last = new Box<TimeSpan>(TimeSpan.Zero);
            driver.ActorOf(Props.Create(() => new TickCounter(TimeSpan.FromMilliseconds(10), count, last)).WithSimDispatcher(), "ticker");

            var wall = Stopwatch.StartNew();
            driver.RunUntil(TimeSpan.FromSeconds(60));
            wall.Stop();

            Assert.Equal(6000, count.Value);
            Assert.Equal(TimeSpan.FromSeconds(60), last.Value);
            Assert.Equal(TimeSpan.FromSeconds(60), driver.Now);
            Assert.Equal(TimeSpan.FromSeconds(60), system.SimElapsed());
            output.WriteLine($"60 s simulated, {count.Value} ticks, wall {wall.Elapsed.TotalMilliseconds:F1} ms (cold: includes JIT)");

            // Same again, now that the code is jitted: the steady-state cost per simulated tick.
            wall.Restart();
            driver.RunUntil(TimeSpan.FromSeconds(120));
            wall.Stop();
            Assert.Equal(12000, count.Value);
            output.WriteLine($"next 60 s simulated, 6000 ticks, wall {wall.Elapsed.TotalMilliseconds:F1} ms (warm)");
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public void DeathWatch_delivers_Terminated_at_the_simulated_instant_of_the_stop()
    {
        var system = CreateVirtualSystem(1);
        try
        {
            var driver = SimulationDriver.For(system);
            var log = new EventLog();
            driver.ActorOf(Props.Create(() => new WatchingParent(log)).WithSimDispatcher(), "parent");

            driver.RunUntilIdle();
            Assert.Equal(["     0.000ms parent watching child"], log.Lines);

            driver.RunUntil(TimeSpan.FromSeconds(1));
            Assert.Equal(
                [
                    "     0.000ms parent watching child",
                    "   250.000ms child stopping",
                    "   250.000ms parent terminated child",
                ],
                log.Lines);
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public void Nothing_happens_until_driven_and_time_stands_still_between_runs()
    {
        var system = CreateVirtualSystem(1);
        try
        {
            var driver = SimulationDriver.For(system);
            var count = new Box<long>(0);
            var last = new Box<TimeSpan>(TimeSpan.Zero);
            driver.ActorOf(Props.Create(() => new TickCounter(TimeSpan.FromMilliseconds(100), count, last)).WithSimDispatcher(), "ticker");

            Assert.True(driver.PendingRuns > 0);   // the Create of the actor waits for the driver
            Assert.Equal(TimeSpan.Zero, driver.Now);
            driver.RunUntilIdle();
            Assert.Equal(0, count.Value);
            Assert.Equal(TimeSpan.Zero, driver.Now);

            driver.RunFor(TimeSpan.FromMilliseconds(250));
            Assert.Equal(2, count.Value);
            Assert.Equal(TimeSpan.FromMilliseconds(250), driver.Now);

            driver.RunUntil(TimeSpan.FromMilliseconds(300));   // due exactly at the target: fires
            Assert.Equal(3, count.Value);
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public async Task Ask_from_outside_completes_once_driven()
    {
        var system = CreateVirtualSystem(1);
        try
        {
            var driver = SimulationDriver.For(system);
            var echo = driver.ActorOf(Props.Create(() => new EchoActor()).WithSimDispatcher(), "echo");
            var reply = echo.Ask<string>("hi", TimeSpan.FromSeconds(30));
            Assert.False(reply.IsCompleted);
            driver.RunUntilIdle();
            Assert.True(reply.IsCompletedSuccessfully);
            Assert.Equal("hi", await reply);
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public void ReceiveTimeout_uses_virtual_time()
    {
        var system = CreateVirtualSystem(1);
        try
        {
            var driver = SimulationDriver.For(system);
            var log = new EventLog();
            driver.ActorOf(Props.Create(() => new IdleActor(log)).WithSimDispatcher(), "idle");
            driver.RunUntil(TimeSpan.FromSeconds(10));
            Assert.Equal(["  3000.000ms idle receive-timeout"], log.Lines);
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public void Driving_from_inside_an_actor_is_refused()
    {
        var system = CreateVirtualSystem(1);
        try
        {
            var driver = SimulationDriver.For(system);
            var seen = new Box<Exception?>(null);
            var actor = driver.ActorOf(Props.Create(() => new ReentrantActor(driver, seen)).WithSimDispatcher(), "reentrant");
            actor.Tell("go");
            driver.RunUntilIdle();
            Assert.IsType<InvalidOperationException>(seen.Value);
        }
        finally
        {
            Shutdown(system);
        }
    }

    [Fact]
    public void System_terminates_with_undriven_work_left()
    {
        var system = CreateVirtualSystem(1);
        var driver = SimulationDriver.For(system);
        var log = new EventLog();
        driver.ActorOf(HubActor.Props(3, log), "hub");
        driver.RunFor(TimeSpan.FromMilliseconds(35));
        driver.ActorOf(HubActor.Props(3, log), "hub2");   // queued, never driven
        Assert.True(driver.PendingRuns > 0);
        Shutdown(system);
        Assert.True(driver.Scheduler.IsFreeRunning);
    }

    private sealed class WatchingParent : ReceiveActor
    {
        public WatchingParent(EventLog log)
        {
            var child = Context.ActorOf(Props.Create(() => new StopLater(log, TimeSpan.FromMilliseconds(250))).WithSimDispatcher(), "child");
            Context.Watch(child);
            log.Add(Context.SimElapsed(), "parent", "watching child");
            Receive<Terminated>(t => log.Add(Context.SimElapsed(), "parent", $"terminated {t.ActorRef.Path.Name}"));
        }
    }

    private sealed class StopLater : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public StopLater(EventLog log, TimeSpan after)
        {
            Receive<Tick>(_ =>
            {
                log.Add(Context.SimElapsed(), "child", "stopping");
                Context.Stop(Self);
            });
            Timers.StartSingleTimer("stop", new Tick(), after);
        }
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(m => Sender.Tell(m));
    }

    private sealed class IdleActor : ReceiveActor
    {
        public IdleActor(EventLog log)
        {
            Context.SetReceiveTimeout(TimeSpan.FromSeconds(3));
            Receive<ReceiveTimeout>(_ =>
            {
                log.Add(Context.SimElapsed(), "idle", "receive-timeout");
                Context.SetReceiveTimeout(null);
            });
        }
    }

    private sealed class ReentrantActor : ReceiveActor
    {
        public ReentrantActor(SimulationDriver driver, Box<Exception?> seen)
        {
            Receive<string>(_ =>
            {
                try { driver.RunUntilIdle(); }
                catch (Exception e) { seen.Value = e; }
            });
        }
    }
}
