using Akka.Actor;

namespace NetSim.Actors.Time;

/// <summary>
/// The one clock NetSim code reads: simulated time elapsed since the actor system started. In virtual mode it is
/// the <see cref="VirtualScheduler"/>'s clock; in real mode it is the system's monotonic uptime. Actors must read
/// time only through this (or <see cref="SimClockExtensions.SimElapsed(IActorContext)"/>) and wait only through
/// <c>Context.System.Scheduler</c> or <c>IWithTimers</c> - never <see cref="DateTime.Now"/>,
/// <see cref="System.Diagnostics.Stopwatch"/>, <see cref="Thread.Sleep(int)"/> or <see cref="Task.Delay(int)"/>,
/// which would leak wall-clock time into a virtual run.
/// </summary>
public sealed class SimClock : IExtension
{
    private readonly ActorSystem _system;
    private readonly VirtualScheduler? _virtual;

    internal SimClock(ExtendedActorSystem system)
    {
        _system = system;
        _virtual = system.Scheduler as VirtualScheduler;
        if (_virtual is not null)
        {
            // Getting the driver installs its shutdown hook (see SimulationDriver); doing it here means any system
            // that reads the clock once can also terminate cleanly.
            SimulationDriver.For(system);
        }
    }

    /// <summary>The clock of <paramref name="system"/>.</summary>
    public static SimClock For(ActorSystem system) => system.WithExtension<SimClock, SimClockProvider>();

    /// <summary>Which kind of time this system runs on.</summary>
    public TimeMode Mode => _virtual is null ? TimeMode.Real : TimeMode.Virtual;

    /// <summary>Simulated time elapsed since the actor system started.</summary>
    public TimeSpan Elapsed => _virtual?.Elapsed ?? _system.Uptime;

    /// <summary>The scheduler to use for every delay, timeout and period (the system's own).</summary>
    public IScheduler Scheduler => _system.Scheduler;
}

/// <summary>Akka extension id for <see cref="SimClock"/>.</summary>
public sealed class SimClockProvider : ExtensionIdProvider<SimClock>
{
    /// <inheritdoc />
    public override SimClock CreateExtension(ExtendedActorSystem system) => new(system);
}

/// <summary>Shortcuts to <see cref="SimClock"/> from actor code.</summary>
public static class SimClockExtensions
{
    /// <summary>Simulated time elapsed since the actor system started.</summary>
    public static TimeSpan SimElapsed(this IActorContext context) => SimClock.For(context.System).Elapsed;

    /// <summary>Simulated time elapsed since the actor system started.</summary>
    public static TimeSpan SimElapsed(this ActorSystem system) => SimClock.For(system).Elapsed;
}
