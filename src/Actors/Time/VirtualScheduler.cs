using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace NetSim.Actors.Time;

/// <summary>
/// An Akka <see cref="IScheduler"/> whose clock only moves when a <see cref="SimulationDriver"/> moves it.
/// Plug it in with <c>akka.scheduler.implementation = "NetSim.Actors.Time.VirtualScheduler, NetSim.Actors"</c>
/// (see <see cref="TimeModeConfig"/>).
/// </summary>
/// <remarks>
/// <para>
/// The scheduler also owns the run queue of the deterministic dispatcher (<see cref="VirtualExecutorConfigurator"/>):
/// the executor finds it through <see cref="IDispatcherPrerequisites.Scheduler"/>, which is the only per-system object
/// both Akka's scheduler factory and its dispatcher factory hand out. Keeping timers and runnable mailboxes behind one
/// lock is what lets the driver decide "no actor has work left" and only then jump the clock.
/// </para>
/// <para>
/// Timers fire in (due time, receiver, insertion sequence) order. The receiver's key is a hash of its actor path
/// without the address (<see cref="ReceiverKey"/>), the same in every process that builds the same actors, so the
/// order of timers due at one instant does not depend on which other actors share the process: that is what lets a
/// partitioned run (docs/design.md, "Partitioned runs") fire an actor's timers in the same order as a one-process run.
/// Timers of one receiver fire in the order they were scheduled; scheduled actions (no receiver) fire after every
/// Tell due at the same instant. A repeating timer is re-armed at previous due + interval, so it never drifts.
/// </para>
/// <para>
/// It deliberately does not implement <see cref="IDateTimeOffsetNowTimeProvider"/>: that marker tells Akka's
/// <see cref="Cancelable"/> the scheduler runs on wall-clock time, and it would then use
/// <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> (real time) instead of a scheduled, virtual cancel.
/// </para>
/// </remarks>
public sealed class VirtualScheduler : SchedulerBase
{
    /// <summary>The wall-clock instant reported by <see cref="ITimeProvider.Now"/> at simulated time zero.
    /// A constant so logs that print <c>Now</c> are identical between runs.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly PriorityQueue<ScheduledItem, (long Due, long Receiver, long Seq)> _timers = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ICanTell, object> _receiverKeys = new();
    // The run queue is split by thread so the driver's own turns take no lock. _ready: runs queued by the driving
    // thread while it drives (every Tell between NetSim actors in virtual time), touched only by that thread.
    // _incoming: runs queued by any other thread (tests, probes, Akka's own actors, the CLI), under _gate; the driver
    // appends them to _ready's tail before each turn, i.e. they arrive when the driver notices them, which is as
    // arbitrary as when another thread's Tell lands and was never part of the deterministic order.
    private readonly Queue<IRunnable> _ready = new();
    private readonly Queue<IRunnable> _incoming = new();
    private volatile int _incomingCount;
    // The timers of one instant's batch; reused (only the one driving thread drains) so an instant allocates nothing.
    private readonly List<(ScheduledItem Item, long Due)> _due = [];
    private long _sequence;
    private long _nowTicks;
    private volatile bool _freeRunning;

    // The thread currently inside a Run* call; used to refuse re-entrant or concurrent driving, which would break
    // the single-thread guarantee the deterministic order rests on.
    private Thread? _driver;

    /// <summary>Called by Akka through <c>akka.scheduler.implementation</c>.</summary>
    public VirtualScheduler(Config config, ILoggingAdapter log) : base(config, log)
    {
    }

    /// <summary>Simulated time elapsed since this scheduler (and so its actor system) was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _nowTicks));

    /// <inheritdoc />
    protected override DateTimeOffset TimeNow => Epoch + Elapsed;

    /// <inheritdoc />
    public override TimeSpan MonotonicClock => Elapsed;

    /// <inheritdoc />
    public override TimeSpan HighResMonotonicClock => Elapsed;

    /// <summary>Number of armed, not cancelled timers.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                var n = 0;
                foreach (var (item, _) in _timers.UnorderedItems)
                {
                    if (!item.IsCancelled) n++;
                }
                return n;
            }
        }
    }

    /// <summary>Number of runnables (mailbox runs, scheduled actions) waiting for the driver (approximate while
    /// another thread is driving).</summary>
    public int PendingRuns
    {
        get { lock (_gate) return _ready.Count + _incoming.Count; }
    }

    /// <summary>True once the actor system began terminating and work is handed to the thread pool.</summary>
    public bool IsFreeRunning
    {
        get { lock (_gate) return _freeRunning; }
    }

    #region SchedulerBase

    /// <inheritdoc />
    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(delay, new TellItem(receiver, message, sender, IntervalTicks(null), cancelable, KeyOf(receiver)));

    /// <inheritdoc />
    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(initialDelay, new TellItem(receiver, message, sender, IntervalTicks(interval), cancelable, KeyOf(receiver)));

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(delay, new ActionItem(action, IntervalTicks(null), cancelable));

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(delay, new RunnableItem(action, IntervalTicks(null), cancelable));

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(initialDelay, new ActionItem(action, IntervalTicks(interval), cancelable));

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(initialDelay, new RunnableItem(action, IntervalTicks(interval), cancelable));

    #endregion

    /// <summary>
    /// A Tell of <paramref name="message"/> to <paramref name="receiver"/> that can be armed again and again
    /// (<see cref="Arm"/>): one timer entry for the life of its owner instead of one per arming. For wake-ups an actor
    /// arms itself at a high rate (a link's head of line: one per frame), which otherwise cost an entry each.
    /// It fires exactly as <see cref="ITellScheduler.ScheduleTellOnce(TimeSpan, ICanTell, object, IActorRef)"/> would.
    /// </summary>
    public ScheduledTell CreateTell(ICanTell receiver, object message, IActorRef? sender) =>
        new(new TellItem(receiver, message, sender!, 0, null, KeyOf(receiver))); // no sender: null, as Akka passes it

    /// <summary>Arms <paramref name="tell"/> to fire after <paramref name="delay"/>; it may be armed several times at once
    /// (each arming fires once), since nothing about one firing is kept in the entry.</summary>
    public void Arm(ScheduledTell tell, TimeSpan delay) => Add(delay, tell.Item);

    /// <summary>Key of the timers without a receiver (scheduled actions): after every receiver's.</summary>
    private const long ActionKey = long.MaxValue;

    /// <summary>
    /// The canonical key of a timer's receiver: the 64-bit FNV-1a hash of its actor path without the address (for
    /// example <c>/user/link-l1</c>), so it is the same in every actor system that names its actors alike. Two paths
    /// with the same hash (odds about n^2 / 2^64) would fire in insertion order, as every timer did before.
    /// </summary>
    public static long ReceiverKey(string pathWithoutAddress)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in pathWithoutAddress)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return Math.Min((long)(hash >> 1), ActionKey - 1);
    }

    private long KeyOf(ICanTell receiver)
    {
        if (receiver is not IActorRef) return ActionKey - 1;
        // Cached per receiver: an actor with a repeating or recurring timer pays for its path string once. The factory
        // is static (captures nothing), so a cache hit - every link arrival timer - allocates nothing.
        return (long)_receiverKeys.GetValue(receiver, static r => ReceiverKey(((IActorRef)r).Path.ToStringWithoutAddress()));
    }

    // 0 for a one-shot timer.
    private static long IntervalTicks(TimeSpan? interval)
    {
        if (interval is not { } i) return 0;
        // A zero interval would re-arm at the same instant forever and the clock could never move on.
        if (i <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), i, "A repeating timer needs an interval > 0.");
        return i.Ticks;
    }

    private void Add(TimeSpan delay, ScheduledItem item)
    {
        lock (_gate)
        {
            var due = _nowTicks + Math.Max(0, delay.Ticks);
            _timers.Enqueue(item, (due, item.Receiver, _sequence++));
        }
    }

    #region run queue (used by VirtualExecutorService)

    internal void EnqueueRun(IRunnable run)
    {
        // The driving thread, inside a Run* call: its own queue, no lock. (Another thread never reads itself here.)
        if (ReferenceEquals(_driver, Thread.CurrentThread) && !_freeRunning)
        {
            _ready.Enqueue(run);
            return;
        }

        lock (_gate)
        {
            if (!_freeRunning)
            {
                _incoming.Enqueue(run);
                _incomingCount = _incoming.Count;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
    }

    // Driving thread only: appends what other threads queued to the tail of the driver's queue, in their order.
    private void TakeIncoming()
    {
        lock (_gate)
        {
            while (_incoming.TryDequeue(out var run)) _ready.Enqueue(run);
            _incomingCount = 0;
        }
    }

    /// <summary>
    /// Stops deterministic driving and hands every queued and future run to the thread pool. Called when the actor
    /// system terminates: the guardians then stop NetSim's actors, and nobody would drive those stops otherwise, so
    /// <c>ActorSystem.Terminate()</c> would hang.
    /// </summary>
    /// <remarks>The driver's own queue belongs to whoever holds the driver slot: a drain in progress finishes what is
    /// in it and hands any rest over when it exits (<see cref="ExitDriver"/>); otherwise this takes the slot and hands
    /// it over itself. (A drain ends with the queue empty, so the rest is only ever what an exception left.)</remarks>
    internal void SwitchToFreeRunning()
    {
        IRunnable[] pending;
        lock (_gate)
        {
            if (_freeRunning) return;
            _freeRunning = true;
            pending = _incoming.ToArray();
            _incoming.Clear();
            _incomingCount = 0;
        }

        foreach (var run in pending)
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
        }

        HandOverDriverQueue();
    }

    // Free running: if no Run* call holds the driver slot, takes it and moves the driver's queue to the thread pool.
    // Both SwitchToFreeRunning (after setting the flag) and ExitDriver (after releasing the slot) call it, each after a
    // full fence, so whichever comes second sees the other's write and the queue is never left behind or run twice.
    private void HandOverDriverQueue()
    {
        if (!_freeRunning || Interlocked.CompareExchange(ref _driver, Thread.CurrentThread, null) is not null) return;
        try
        {
            while (_ready.TryDequeue(out var run)) ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
        }
        finally
        {
            Volatile.Write(ref _driver, null);
        }
    }

    #endregion

    #region driving (used by SimulationDriver)

    /// <summary>
    /// Runs queued mailbox runs in FIFO order and fires timers due at or before the current instant, until neither
    /// is left. The clock does not move.
    /// </summary>
    /// <returns>How many runnables (mailbox runs and fired timers) were executed.</returns>
    internal long RunUntilIdle()
    {
        EnterDriver();
        try
        {
            return DrainCurrentInstant();
        }
        finally
        {
            ExitDriver();
        }
    }

    /// <summary>
    /// Drains the current instant, then repeatedly jumps the clock to the next due timer and drains again, until the
    /// next timer is later than <paramref name="target"/> or no timer is left. The clock ends at
    /// <paramref name="target"/> (time passes even when nothing happens), unless it is already later.
    /// </summary>
    internal long RunUntil(TimeSpan target) => RunUntil(target, null);

    /// <summary>
    /// As <see cref="RunUntil(TimeSpan)"/>, but stops after the first instant at whose end <paramref name="stop"/> is
    /// true; the clock then stays at that instant instead of moving on to <paramref name="target"/>.
    /// </summary>
    internal long RunUntil(TimeSpan target, Func<bool>? stop)
    {
        EnterDriver();
        try
        {
            var executed = DrainCurrentInstant();
            while (true)
            {
                if (stop?.Invoke() == true) return executed;
                long next;
                lock (_gate)
                {
                    if (_freeRunning || !TryPeekLiveDue(out next) || next > target.Ticks)
                    {
                        if (!_freeRunning && target.Ticks > _nowTicks) Volatile.Write(ref _nowTicks, target.Ticks);
                        return executed;
                    }

                    // Only ever forward: a timer is never due before "now" because due = now + max(0, delay).
                    Volatile.Write(ref _nowTicks, Math.Max(_nowTicks, next));
                }

                executed += DrainCurrentInstant();
            }
        }
        finally
        {
            ExitDriver();
        }
    }

    private long DrainCurrentInstant()
    {
        long executed = 0;
        var due = _due;
        while (true)
        {
            // 1. Mailbox runs, strictly FIFO. A run that leaves messages behind re-queues itself at the back (Akka's
            //    throughput limit), so many busy actors interleave fairly and in a fixed order.
            while (TryDequeueRun(out var run))
            {
                run.Run();
                executed++;
            }

            // 2. Timers due now, all of them, in (due, receiver, seq) order; their Tells land in the run queue in that order.
            due.Clear();
            lock (_gate)
            {
                while (_timers.TryPeek(out var item, out var key) && key.Due <= _nowTicks)
                {
                    _timers.Dequeue();
                    if (item.IsCancelled) continue;
                    due.Add((item, key.Due));
                    if (item.IntervalTicks > 0)
                    {
                        // Re-armed before it fires so a repeating Tell keeps its place relative to timers scheduled
                        // by the actors it wakes up.
                        _timers.Enqueue(item, (key.Due + item.IntervalTicks, item.Receiver, _sequence++));
                    }
                }
            }

            if (due.Count == 0)
            {
                if (_incomingCount == 0) return executed;
                continue;
            }

            foreach (var (item, _) in due)
            {
                // Cancelled by an earlier timer of this same batch (e.g. an actor's own Tell cannot run in between,
                // but a scheduled action can cancel another one).
                if (item.IsCancelled) continue;
                Fire(item);
                executed++;
            }
        }
    }

    private void Fire(ScheduledItem work)
    {
        try
        {
            work.Run();
        }
        catch (Exception ex)
        {
            // Same policy as Akka's HashedWheelTimerScheduler: a failing scheduled action is logged, not fatal, so
            // one bad callback cannot stop the whole simulation.
            Log.Error(ex, "Exception while running a scheduled action in virtual time {0}", Elapsed);
        }
    }

    // Driving thread only. Another thread's runs join the tail first, so none waits behind a long local chain.
    private bool TryDequeueRun(out IRunnable run)
    {
        if (_incomingCount != 0) TakeIncoming();
        return _ready.TryDequeue(out run!);
    }

    // Caller holds _gate. Discards cancelled timers at the head so a cancelled timer never drags the clock forward.
    private bool TryPeekLiveDue(out long due)
    {
        while (_timers.TryPeek(out var item, out var key))
        {
            if (!item.IsCancelled)
            {
                due = key.Due;
                return true;
            }
            _timers.Dequeue();
        }
        due = 0;
        return false;
    }

    private void EnterDriver()
    {
        var me = Thread.CurrentThread;
        var previous = Interlocked.CompareExchange(ref _driver, me, null);
        if (previous is null) return;
        throw new InvalidOperationException(ReferenceEquals(previous, me)
            ? "SimulationDriver was called re-entrantly (from inside an actor or a scheduled action it is running). Drive the simulation from outside the actors."
            : "SimulationDriver is already being driven by another thread; a simulation has exactly one driving thread.");
    }

    private void ExitDriver()
    {
        Interlocked.Exchange(ref _driver, null);
        HandOverDriverQueue();
    }

    #endregion

    /// <summary>A timer entry made by <see cref="CreateTell"/>, armed with <see cref="Arm"/>.</summary>
    public sealed class ScheduledTell
    {
        internal ScheduledTell(ScheduledItem item) => Item = item;
        internal ScheduledItem Item { get; }
    }

    // One object per timer: what it does, when it repeats, whether it was cancelled and its receiver's key (a Tell
    // timer, the common case - every link arrival and actor timer - was two objects before).
    internal abstract class ScheduledItem(long intervalTicks, ICancelable? cancelable, long receiver) : IRunnable
    {
        public long Receiver { get; } = receiver;
        public long IntervalTicks { get; } = intervalTicks;
        public bool IsCancelled => cancelable is { IsCancellationRequested: true };
        public abstract void Run();
        public void Execute() => Run();
    }

    private sealed class TellItem(ICanTell target, object message, IActorRef sender, long intervalTicks, ICancelable? cancelable, long receiver)
        : ScheduledItem(intervalTicks, cancelable, receiver)
    {
        public override void Run() => target.Tell(message, sender);
    }

    private sealed class ActionItem(Action action, long intervalTicks, ICancelable? cancelable)
        : ScheduledItem(intervalTicks, cancelable, ActionKey)
    {
        public override void Run() => action();
    }

    private sealed class RunnableItem(IRunnable work, long intervalTicks, ICancelable? cancelable)
        : ScheduledItem(intervalTicks, cancelable, ActionKey)
    {
        public override void Run() => work.Run();
    }
}
