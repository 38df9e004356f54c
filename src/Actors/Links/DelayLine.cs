using Akka.Actor;

namespace NetSim.Actors.Links;

/// <summary>
/// Frames in flight until their arrival time, with one timer for the earliest rather than one per frame. Ties keep
/// the order they were added in, so a virtual-time run is deterministic. Used by links (propagation, jitter,
/// serialization) and switches (forwarding delay); the owning actor passes its timers and gets <typeparamref name="T"/>
/// items back, in arrival order, from <see cref="TakeDue"/> when the timer's message arrives.
/// </summary>
internal sealed class DelayLine<T>(string timerKey, object timerMessage)
{
    private readonly PriorityQueue<T, (TimeSpan At, long Seq)> _queue = new();
    private long _sequence;
    private TimeSpan _timerDue = TimeSpan.MaxValue;
    private readonly List<T> _due = []; // reused by every TakeDue: one list per line, not one per timer firing

    public int Count => _queue.Count;

    /// <summary>Adds <paramref name="item"/> to arrive at <paramref name="at"/>, arming the timer if it is now the earliest.</summary>
    public void Add(T item, TimeSpan at, TimeSpan now, ITimerScheduler timers)
    {
        _queue.Enqueue(item, (at, _sequence++));
        if (at < _timerDue) Arm(at, now, timers);
    }

    /// <summary>
    /// Removes and returns every item due by <paramref name="now"/>, then re-arms for the next. The list is the line's
    /// own and is reused by the next call: read it before calling again (owners loop over it at once).
    /// </summary>
    public List<T> TakeDue(TimeSpan now, ITimerScheduler timers)
    {
        _timerDue = TimeSpan.MaxValue;
        var due = _due;
        due.Clear();
        while (_queue.TryPeek(out var item, out var key) && key.At <= now)
        {
            _queue.Dequeue();
            due.Add(item);
        }
        if (_queue.TryPeek(out _, out var next)) Arm(next.At, now, timers);
        return due;
    }

    private void Arm(TimeSpan due, TimeSpan now, ITimerScheduler timers)
    {
        _timerDue = due;
        timers.StartSingleTimer(timerKey, timerMessage, due > now ? due - now : TimeSpan.Zero);
    }
}
