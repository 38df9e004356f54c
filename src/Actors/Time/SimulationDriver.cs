using Akka;
using Akka.Actor;

namespace NetSim.Actors.Time;

/// <summary>
/// Drives a virtual-time actor system: runs the queued work of every actor on <c>netsim.dispatcher</c> on the
/// calling thread in FIFO order and moves the clock of its <see cref="VirtualScheduler"/> from timer to timer.
/// Obtain it with <see cref="For"/>; there is one per actor system.
/// </summary>
/// <remarks>
/// <para>Call it from one thread only, and never from inside an actor: the thread that calls a Run method is the
/// thread every NetSim actor runs on for the duration of that call.</para>
/// <para>Creating the driver registers a coordinated-shutdown task that hands remaining work to the thread pool when
/// the system terminates; without it the guardians' stop of NetSim's actors would wait for a driver forever. So get
/// the driver (or <see cref="SimClock"/>, which gets it for you) right after creating a virtual-mode system.</para>
/// </remarks>
public sealed class SimulationDriver : IExtension
{
    private readonly VirtualScheduler _scheduler;
    private readonly ExtendedActorSystem _system;

    internal SimulationDriver(ExtendedActorSystem system)
    {
        _system = system;
        _scheduler = system.Scheduler as VirtualScheduler
            ?? throw new InvalidOperationException(
                $"SimulationDriver needs virtual time (netsim.time.mode = virtual, akka.scheduler.implementation = \"{TimeModeConfig.VirtualSchedulerTypeName}\"); " +
                $"this system uses {system.Scheduler.GetType().FullName}.");

        // The last phase before the guardians stop: from here on nobody drives, and the stops must still happen.
        CoordinatedShutdown.Get(system).AddTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate,
            "netsim-virtual-time-free-run",
            () =>
            {
                _scheduler.SwitchToFreeRunning();
                return Task.FromResult(Done.Instance);
            });
    }

    /// <summary>The driver of <paramref name="system"/>.</summary>
    /// <exception cref="InvalidOperationException">The system is not in virtual-time mode.</exception>
    public static SimulationDriver For(ActorSystem system) => system.WithExtension<SimulationDriver, SimulationDriverProvider>();

    /// <summary>The scheduler whose clock this driver moves (also <c>system.Scheduler</c>).</summary>
    public VirtualScheduler Scheduler => _scheduler;

    /// <summary>Simulated time elapsed since the actor system started.</summary>
    public TimeSpan Now => _scheduler.Elapsed;

    /// <summary>Armed, not cancelled timers (including Akka's own, e.g. a dispatcher's idle shutdown).</summary>
    public int PendingTimers => _scheduler.PendingTimers;

    /// <summary>Runs waiting on the run queue; 0 after <see cref="RunUntilIdle"/> unless another thread sent messages.</summary>
    public int PendingRuns => _scheduler.PendingRuns;

    /// <summary>
    /// Drains all work at the current instant: mailbox runs in FIFO order and timers due now, until none is left.
    /// The clock does not move.
    /// </summary>
    /// <returns>The number of mailbox runs and timer firings executed.</returns>
    public long RunUntilIdle() => _scheduler.RunUntilIdle();

    /// <summary>
    /// Drains the current instant, then jumps to the next timer and drains again, until the next timer lies beyond
    /// <paramref name="simulatedTime"/> (elapsed since system start) or none is left; the clock then ends at
    /// <paramref name="simulatedTime"/>. Timers due exactly at <paramref name="simulatedTime"/> fire.
    /// </summary>
    /// <returns>The number of mailbox runs and timer firings executed.</returns>
    public long RunUntil(TimeSpan simulatedTime) => _scheduler.RunUntil(simulatedTime);

    /// <summary>
    /// Creates a top-level actor (under <c>/user</c>) and returns once it is attached to its dispatcher, so its
    /// creation and any message already sent to it are in the run queue before the next Run call.
    /// </summary>
    /// <remarks>
    /// <c>system.ActorOf</c> starts a top-level actor asynchronously: the <c>/user</c> guardian, which runs on Akka's
    /// default dispatcher on some pool thread, points the returned reference at the real actor later. A driver that
    /// ran right after a bare <c>system.ActorOf</c> could find the queue empty, report "idle" and even jump the clock
    /// before the actor exists - the same test would then pass or fail by thread timing. Actors created by other
    /// actors (<c>Context.ActorOf</c>) are started synchronously and need none of this.
    /// </remarks>
    public IActorRef ActorOf(Props props, string? name = null)
    {
        var actor = name is null ? _system.ActorOf(props) : _system.ActorOf(props, name);
        AwaitStarted(actor);
        return actor;
    }

    /// <summary>
    /// Waits (spinning, never sleeping) until the guardian has started <paramref name="actor"/>; returns at once for
    /// references that need no start (local children, probes, remote references).
    /// </summary>
    /// <exception cref="TimeoutException">The guardian did not start it within <paramref name="timeout"/>
    /// (default 10 s wall-clock): a hang detector, e.g. for a system that is shutting down.</exception>
    public void AwaitStarted(IActorRef actor, TimeSpan? timeout = null)
    {
        if (actor is not RepointableActorRef repointable || repointable.IsStarted) return;
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var started = SpinWait.SpinUntil(() => repointable.IsStarted, limit);
        if (!started) throw new TimeoutException($"{actor.Path} was not started by its guardian within {limit}.");
    }

    /// <summary>
    /// Stops <paramref name="actor"/> now: its stop is queued for the driver directly. (<c>system.Stop</c> goes
    /// through the <c>/user</c> guardian on another thread, so the stop would reach the run queue at an unknown time;
    /// <c>Tell(PoisonPill.Instance)</c> is the other deterministic option.)
    /// </summary>
    public void Stop(IActorRef actor)
    {
        AwaitStarted(actor);
        if (actor is IInternalActorRef internalRef) internalRef.Stop();
        else _system.Stop(actor);
    }

    /// <summary>
    /// Runs as <see cref="RunUntil(TimeSpan)"/> does, but stops at the end of the first instant (the current one
    /// included) after which <paramref name="condition"/> holds, and leaves the clock there: "run until the reply comes,
    /// but at most until <paramref name="simulatedTime"/>". Returns whether the condition held.
    /// </summary>
    public bool RunUntil(TimeSpan simulatedTime, Func<bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        _scheduler.RunUntil(simulatedTime, condition);
        return condition();
    }

    /// <summary>Same as <see cref="RunUntil(TimeSpan)"/> with a target of <see cref="Now"/> + <paramref name="duration"/>.</summary>
    public long RunFor(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "Time only moves forward.");
        return _scheduler.RunUntil(Now + duration);
    }
}

/// <summary>Akka extension id for <see cref="SimulationDriver"/>.</summary>
public sealed class SimulationDriverProvider : ExtensionIdProvider<SimulationDriver>
{
    /// <inheritdoc />
    public override SimulationDriver CreateExtension(ExtendedActorSystem system) => new(system);
}
