using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors.Time;
using Xunit;

namespace NetSim.Actors.Tests.Time;

public sealed class VirtualSchedulerTests : IDisposable
{
    private readonly ActorSystem _system = VirtualTimeTests.CreateVirtualSystem(1, "sched");
    private readonly SimulationDriver _driver;
    private readonly IScheduler _scheduler;

    public VirtualSchedulerTests()
    {
        _driver = SimulationDriver.For(_system);
        _scheduler = _system.Scheduler;
    }

    public void Dispose() => VirtualTimeTests.Shutdown(_system);

    [Fact]
    public void Timers_fire_by_due_time_then_by_insertion_order()
    {
        var order = new List<string>();
        var s = _scheduler.Advanced;
        s.ScheduleOnce(TimeSpan.FromMilliseconds(10), () => order.Add($"A@{_driver.Now.TotalMilliseconds}"));
        s.ScheduleOnce(TimeSpan.FromMilliseconds(5), () => order.Add($"B@{_driver.Now.TotalMilliseconds}"));
        s.ScheduleOnce(TimeSpan.FromMilliseconds(10), () => order.Add($"C@{_driver.Now.TotalMilliseconds}"));
        s.ScheduleOnce(TimeSpan.FromMilliseconds(10), () =>
        {
            order.Add($"D@{_driver.Now.TotalMilliseconds}");
            // Scheduled "now" from a timer: same instant, after everything already due.
            s.ScheduleOnce(TimeSpan.Zero, () => order.Add($"E@{_driver.Now.TotalMilliseconds}"));
        });

        _driver.RunUntil(TimeSpan.FromMilliseconds(20));
        Assert.Equal(["B@5", "A@10", "C@10", "D@10", "E@10"], order);
        Assert.Equal(TimeSpan.FromMilliseconds(20), _driver.Now);
    }

    [Fact]
    public void A_tell_armed_again_and_again_fires_once_per_arming_in_the_order_of_every_other_timer()
    {
        var seen = new List<string>();
        var receiver = _driver.ActorOf(Props.Create(() => new Recorder(seen)).WithSimDispatcher(), "recorder");
        var scheduler = (VirtualScheduler)_scheduler;
        var wake = scheduler.CreateTell(receiver, "wake", ActorRefs.NoSender);

        scheduler.Arm(wake, TimeSpan.FromMilliseconds(10));
        _scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(10), receiver, "other", ActorRefs.NoSender);
        scheduler.Arm(wake, TimeSpan.FromMilliseconds(10)); // armed twice at one instant: fires twice
        scheduler.Arm(wake, TimeSpan.FromMilliseconds(5));
        Assert.Equal(4, _driver.PendingTimers);

        _driver.RunUntil(TimeSpan.FromMilliseconds(9));
        Assert.Equal(["wake"], seen); // at 5 ms
        _driver.RunUntil(TimeSpan.FromMilliseconds(20));
        Assert.Equal(["wake", "wake", "other", "wake"], seen); // at 10 ms, in the order they were armed
        Assert.Equal(0, _driver.PendingTimers);

        scheduler.Arm(wake, TimeSpan.Zero); // and again after it fired
        _driver.RunUntilIdle();
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void Cancelled_timers_never_fire_and_repeating_timers_stop_on_cancel()
    {
        var fired = 0;
        var once = new Cancelable(_scheduler);
        _scheduler.Advanced.ScheduleOnce(TimeSpan.FromSeconds(1), () => fired += 100, once);
        once.Cancel();

        var repeat = new Cancelable(_scheduler);
        _scheduler.Advanced.ScheduleRepeatedly(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), () =>
        {
            if (++fired == 3) repeat.Cancel();
        }, repeat);

        _driver.RunUntil(TimeSpan.FromSeconds(5));
        Assert.Equal(3, fired);
        Assert.Equal(0, _driver.PendingTimers);
    }

    [Fact]
    public void CancelAfter_uses_virtual_time()
    {
        // Would be wall-clock CancellationTokenSource.CancelAfter if the scheduler claimed IDateTimeOffsetNowTimeProvider.
        var c = new Cancelable(_scheduler);
        c.CancelAfter(TimeSpan.FromSeconds(30));
        _driver.RunUntil(TimeSpan.FromSeconds(29));
        Assert.False(c.IsCancellationRequested);
        _driver.RunUntil(TimeSpan.FromSeconds(30));
        Assert.True(c.IsCancellationRequested);
    }

    [Fact]
    public void Now_is_the_fixed_epoch_plus_simulated_time()
    {
        Assert.Equal(VirtualScheduler.Epoch, _scheduler.Now);
        _driver.RunFor(TimeSpan.FromHours(3));
        Assert.Equal(VirtualScheduler.Epoch + TimeSpan.FromHours(3), _scheduler.Now);
        Assert.Equal(TimeSpan.FromHours(3), _scheduler.MonotonicClock);
        Assert.Equal(TimeSpan.FromHours(3), SimClock.For(_system).Elapsed);
        Assert.Equal(TimeMode.Virtual, SimClock.For(_system).Mode);
    }

    [Fact]
    public void Zero_delay_tell_is_delivered_without_moving_the_clock()
    {
        var got = new List<object>();
        var probe = _driver.ActorOf(Props.Create(() => new Collector(got)).WithSimDispatcher(), "collector");
        _scheduler.ScheduleTellOnce(TimeSpan.Zero, probe, "now", ActorRefs.NoSender);
        _driver.RunUntilIdle();
        Assert.Equal(["now"], got);
        Assert.Equal(TimeSpan.Zero, _driver.Now);
    }

    [Fact]
    public void Repeating_timers_need_a_positive_interval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            _scheduler.Advanced.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.Zero, () => { }));
    }

    [Fact]
    public void Time_only_moves_forward()
    {
        _driver.RunUntil(TimeSpan.FromSeconds(2));
        _driver.RunUntil(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), _driver.Now);
        Assert.Throws<ArgumentOutOfRangeException>(() => _driver.RunFor(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Runs_queued_by_another_thread_while_driving_join_the_same_drain_and_the_drivers_own_keep_their_order()
    {
        var seen = new List<string>();
        var target = _driver.ActorOf(Props.Create(() => new Recorder(seen)).WithSimDispatcher(), "target");
        var relay = _driver.ActorOf(Props.Create(() => new ThreadRelay(target)).WithSimDispatcher(), "relay");

        // The relay tells the target from the driving thread, then from a thread of its own (joined, so that Tell is
        // in the other threads' queue before the relay's turn ends), then from the driving thread again.
        relay.Tell("go");
        var executed = _driver.RunUntilIdle();

        Assert.True(executed > 0);
        Assert.Equal(0, _driver.PendingRuns);
        Assert.Equal(3, seen.Count);
        Assert.Contains("other thread", seen);
        // The driver's own two keep their order whatever the other thread's position.
        Assert.True(seen.IndexOf("driver 1") < seen.IndexOf("driver 2"));
    }

    private sealed class Recorder(List<string> seen) : UntypedActor
    {
        protected override void OnReceive(object message) => seen.Add((string)message);
    }

    private sealed class ThreadRelay(IActorRef target) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            target.Tell("driver 1");
            var other = new Thread(() => target.Tell("other thread"));
            other.Start();
            Assert.True(other.Join(TimeSpan.FromSeconds(30)), "the other thread's Tell did not return (hang guard)");
            target.Tell("driver 2");
        }
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(List<object> got) => ReceiveAny(got.Add);
    }
}

public sealed class TimeModeConfigTests
{
    [Theory]
    [InlineData("", TimeMode.Real)]
    [InlineData("netsim.time.mode = real", TimeMode.Real)]
    [InlineData("netsim.time.mode = virtual", TimeMode.Virtual)]
    [InlineData("netsim.time.mode = \" Virtual \"", TimeMode.Virtual)]
    public void Reads_the_mode(string hocon, TimeMode expected) =>
        Assert.Equal(expected, TimeModeConfig.ReadMode(ConfigurationFactory.ParseString(hocon)));

    [Fact]
    public void Rejects_an_unknown_mode() =>
        Assert.Throws<ConfigurationException>(() => TimeModeConfig.ReadMode(ConfigurationFactory.ParseString("netsim.time.mode = warp")));

    [Fact]
    public void Apply_installs_the_scheduler_and_dispatcher_of_the_named_mode()
    {
        var user = ConfigurationFactory.ParseString("netsim.time.mode = virtual\nnetsim.random.seed = 3");
        var virt = TimeModeConfig.Apply(user);
        Assert.Equal(TimeModeConfig.VirtualSchedulerTypeName, virt.GetString("akka.scheduler.implementation"));
        Assert.Equal(TimeModeConfig.VirtualExecutorTypeName, virt.GetString("netsim.dispatcher.executor"));
        Assert.Equal(3, virt.GetInt("netsim.random.seed"));

        var real = TimeModeConfig.Apply(virt, TimeMode.Real);
        Assert.Equal(TimeMode.Real, TimeModeConfig.ReadMode(real));
        Assert.Equal(TimeModeConfig.RealSchedulerTypeName, real.GetString("akka.scheduler.implementation"));
        Assert.Equal("fork-join-executor", real.GetString("netsim.dispatcher.executor"));
    }

    [Fact]
    public async Task Real_mode_runs_NetSims_actors_on_threads_of_their_own_not_the_thread_pool()
    {
        // A program that blocks the .NET thread pool (tests waiting on processes, synchronous waits in a library
        // user's code) must not stall a real-time simulation: its actors run on the dispatcher's dedicated threads.
        using var system = ActorSystem.Create("real-threads", NetSimConfig.Default);
        try
        {
            var probe = system.ActorOf(SimDispatcher.Props<ThreadReporter>(), "threads");
            var onPool = await probe.Ask<bool>("where", TimeSpan.FromSeconds(10));
            Assert.False(onPool);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter() => Receive<string>(_ => Sender.Tell(Thread.CurrentThread.IsThreadPoolThread));
    }
}
