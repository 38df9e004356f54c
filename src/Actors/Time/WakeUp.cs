using Akka.Actor;

namespace NetSim.Actors.Time;

/// <summary>
/// A message an actor sends itself after a delay, again and again (a link's head of line, a flow's next packet): a
/// plain <see cref="ITellScheduler.ScheduleTellOnce(TimeSpan, ICanTell, object, IActorRef)"/> to the owner, which in
/// virtual time is one timer entry made on the first arming and armed again for every later one
/// (<see cref="VirtualScheduler.Arm"/>: nothing allocated per wake-up), and with a wall clock two small objects.
/// </summary>
/// <remarks>
/// Not an Akka <c>TimerScheduler</c> timer, which allocates its timer record, message wrapper, cancelable and
/// cancellation token source every time (about 250 bytes). The owner is the timer's receiver either way, so the virtual
/// scheduler orders it among an instant's timers by the owner's path and the order it was armed in, exactly as an Akka
/// timer started at the same point. Nothing is cancelled: use it where a wake-up that comes after the owner lost
/// interest is harmless (the owner ignores it, or, once stopped, it goes to dead letters, which NetSim does not log).
/// </remarks>
public sealed class WakeUp(IScheduler scheduler, IActorRef owner, object message)
{
    private readonly VirtualScheduler? _virtualTime = scheduler as VirtualScheduler;
    private VirtualScheduler.ScheduledTell? _entry;

    /// <summary>A wake-up of the actor whose context this is, with <paramref name="message"/>.</summary>
    public static WakeUp Of(IActorContext context, object message) => new(context.System.Scheduler, context.Self, message);

    /// <summary>Sends the message to the owner after <paramref name="delay"/> (at once for a negative delay).</summary>
    public void Arm(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (_virtualTime is { } virtualTime) virtualTime.Arm(_entry ??= virtualTime.CreateTell(owner, message, ActorRefs.NoSender), delay);
        else scheduler.ScheduleTellOnce(delay, owner, message, ActorRefs.NoSender);
    }
}
