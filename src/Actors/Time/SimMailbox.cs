using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace NetSim.Actors.Time;

/// <summary>
/// The mailbox of every actor on <c>netsim.dispatcher</c> (both time modes; <see cref="TimeModeConfig"/> sets
/// <c>mailbox-type</c> there): an unbounded FIFO queue that costs one small object while the actor has never
/// received a message, where Akka's default unbounded mailbox allocates a 32-slot <c>ConcurrentQueue</c> segment
/// (about 1 KB) for every actor up front. A simulation has a dozen actors per host, most of them idle most of the
/// time, so at 10,000 hosts that is about 100 MB of empty slots.
/// </summary>
public sealed class SimMailbox : MailboxType, IProducesMessageQueue<SimMessageQueue>
{
    /// <summary>Called by Akka's <c>Mailboxes</c> with the dispatcher's (or mailbox's) config section.</summary>
    public SimMailbox(Settings settings, Config config) : base(settings, config)
    {
    }

    /// <inheritdoc />
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new SimMessageQueue();
}

/// <summary>
/// The queue of <see cref="SimMailbox"/>: a ring buffer of envelopes, allocated on the first message and doubled when
/// full, behind a lock. Same semantics as Akka's <see cref="UnboundedMessageQueue"/>: FIFO, any number of producers
/// on any threads (real time runs actors on the thread pool; tests and probes tell from their own threads), one
/// consumer at a time (the actor's mailbox run), and what is left at clean-up goes to dead letters in order.
/// </summary>
/// <remarks>
/// A lock rather than a lock-free queue: uncontended (the common case; in virtual time everything runs on one
/// thread) it is two interlocked operations per message like <c>ConcurrentQueue</c>, and it needs no per-actor
/// object beyond the buffer. The lock is the queue object itself (a thin lock in its header, no extra allocation);
/// the type is sealed and handed only to Akka's <c>Mailbox</c>, which never locks it. The buffer is kept when the
/// queue empties so a busy actor does not allocate per burst; it never shrinks (an actor that once held a burst keeps
/// room for it).
/// </remarks>
public sealed class SimMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    /// <summary>Slots of the buffer allocated for the first message (16 bytes each).</summary>
    public const int InitialCapacity = 4;

    private Envelope[]? _buffer;
    private int _head;
    // Written under the lock, read without it (HasMessages, Count), like ConcurrentQueue's racy IsEmpty/Count.
    private volatile int _count;

    /// <summary>Slots allocated (0 until the first message): how far the queue has grown.</summary>
    public int Capacity
    {
        get { lock (this) return _buffer?.Length ?? 0; }
    }

    /// <inheritdoc />
    public bool HasMessages => _count > 0;

    /// <inheritdoc />
    public int Count => _count;

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this)
        {
            var buffer = _buffer;
            var count = _count;
            if (buffer is null || count == buffer.Length) buffer = Grow(count);
            var tail = _head + count;
            if (tail >= buffer.Length) tail -= buffer.Length;
            buffer[tail] = envelope;
            _count = count + 1;
        }
    }

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope)
    {
        // The consumer's "empty" check costs no lock: an Enqueue that races with it re-schedules the mailbox anyway.
        if (_count == 0)
        {
            envelope = default;
            return false;
        }

        lock (this)
        {
            var count = _count;
            if (count == 0)
            {
                envelope = default;
                return false;
            }

            var buffer = _buffer!;
            var head = _head;
            envelope = buffer[head];
            buffer[head] = default; // the message is the actor's now, not the queue's to keep alive
            head++;
            _head = head == buffer.Length ? 0 : head;
            _count = count - 1;
            return true;
        }
    }

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }

    // Caller holds the lock. Copies the ring in order to the start of a buffer twice as large.
    private Envelope[] Grow(int count)
    {
        var old = _buffer;
        var buffer = new Envelope[old is null ? InitialCapacity : old.Length * 2];
        if (old is not null)
        {
            var firstPart = Math.Min(count, old.Length - _head);
            Array.Copy(old, _head, buffer, 0, firstPart);
            Array.Copy(old, 0, buffer, firstPart, count - firstPart);
        }
        _buffer = buffer;
        _head = 0;
        return buffer;
    }
}
