using Akka.Actor;
using NetSim.Actors.Time;

namespace NetSim.Actors.Links;

/// <summary>
/// Frames in flight until their arrival time, with one wake-up for the earliest rather than one per frame. Ties keep
/// the order they were added in, so a virtual-time run is deterministic. Used by links (propagation, jitter,
/// serialization) and switches (forwarding delay): the owning actor gets its <paramref name="wakeUp"/> message back
/// when the head of the line is due and takes the due <typeparamref name="T"/> items, in arrival order, from
/// <see cref="TakeDue"/>.
/// </summary>
/// <remarks>
/// The wake-up is a <see cref="WakeUp"/> of the owner (in virtual time one timer entry armed again and again), not an
/// Akka <c>TimerScheduler</c> timer (seven objects each). Nothing is cancelled: when an earlier item arrives, a wake-up is added for it and the later one stays armed. The armed
/// instants therefore only ever get earlier, and a stack of them (earliest on top) says which are still coming. Each
/// armed instant still holds an item due then (items leave only when due), so no wake-up fires in vain in virtual time
/// and the owner runs at exactly the instants a cancel-and-re-arm timer would make it run.
/// </remarks>
internal sealed class DelayLine<T>(object wakeUp, IScheduler scheduler, IActorRef owner)
{
    private readonly WakeUp _wakeUp = new(scheduler, owner, wakeUp); // armed once per head of line: a frame each, on a busy line
    private readonly PriorityQueue<T, (TimeSpan At, long Seq)> _queue = new();
    private long _sequence;
    private readonly Stack<TimeSpan> _armed = new(); // instants of wake-ups still to come, the earliest on top
    private readonly List<T> _due = []; // reused by every TakeDue: one list per line, not one per wake-up

    public int Count => _queue.Count;

    /// <summary>Adds <paramref name="item"/> to arrive at <paramref name="at"/>, arming a wake-up if it is now the earliest.</summary>
    public void Add(T item, TimeSpan at, TimeSpan now)
    {
        _queue.Enqueue(item, (at, _sequence++));
        if (_armed.Count == 0 || at < _armed.Peek()) Arm(at, now);
    }

    /// <summary>
    /// Call on the wake-up message: removes and returns every item due by <paramref name="now"/>, then makes sure a
    /// wake-up is armed for the next. The list is the line's own and is reused by the next call: read it before
    /// calling again (owners loop over it at once).
    /// </summary>
    public List<T> TakeDue(TimeSpan now)
    {
        // One wake-up, one armed instant: the earliest (in virtual time wake-ups fire in the order of their instants).
        // Popped whatever the clock says: on a wall clock one that fires early is re-armed below, and when wake-ups
        // fire out of order the armed instants left are never earlier than the wake-ups still coming.
        if (_armed.Count > 0) _armed.Pop();
        var due = _due;
        due.Clear();
        while (_queue.TryPeek(out var item, out var key) && key.At <= now)
        {
            _queue.Dequeue();
            due.Add(item);
        }
        if (_queue.TryPeek(out _, out var next) && (_armed.Count == 0 || next.At < _armed.Peek())) Arm(next.At, now);
        return due;
    }

    private void Arm(TimeSpan at, TimeSpan now)
    {
        _armed.Push(at);
        _wakeUp.Arm(at - now);
    }
}
