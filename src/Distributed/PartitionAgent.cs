using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Protocol.Distributed;
using NetSim.Scenario.Partitioning;

namespace NetSim.Distributed;

/// <summary>
/// What the coordinator told one process's partition, handed from its <see cref="PartitionAgent"/> (an actor of the
/// control system) to the thread that runs the partition (the engine's, which blocks in
/// <see cref="IWindowExchange.Exchange"/>). Once the run is aborted every wait ends with the abort's exception.
/// </summary>
public sealed class PartitionInbox : IDisposable
{
    private readonly BlockingCollection<(long WindowEndTicks, IReadOnlyList<CrossFrame> Frames)> _grants = new();
    private readonly CancellationTokenSource _aborted = new();
    private Exception? _abortReason;

    /// <summary>The partition this process runs, once the coordinator has said (workers only).</summary>
    public TaskCompletionSource<PartitionAssignment> Assignment { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The coordinator that sent the assignment (workers only; null until then).</summary>
    public IActorRef? Coordinator { get; internal set; }

    /// <summary>
    /// Completed when the coordinator has every result and lets this process go (workers only). An aborted run still
    /// ends this way (the coordinator gathers what every partition reached, then releases them); it fails only when no
    /// one is left to release this process: the coordinator is gone, or it refused this worker.
    /// </summary>
    public TaskCompletionSource RunCompleted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cancelled when the run is aborted (a partition lost, the run interrupted, the coordinator gone).</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Why the run was aborted (a <see cref="PartitionLostException"/> or an <see cref="OperationCanceledException"/>), or null.</summary>
    public Exception? AbortReason => Volatile.Read(ref _abortReason);

    /// <summary>The frames granted for the window ending at <paramref name="windowEndTicks"/>.</summary>
    public void Grant(long windowEndTicks, IReadOnlyList<CrossFrame> frames) => _grants.Add((windowEndTicks, frames));

    /// <summary>
    /// Ends the run for this process: every wait for the assignment or a grant, now and later, throws
    /// <paramref name="reason"/>. The first reason wins. The wait for <see cref="RunCompleted"/> goes on: the process
    /// sends what it reached and waits to be released, so it does not leave the cluster before the coordinator has
    /// its results (cluster gossip of its leaving can overtake its last results). See <see cref="AbortUnreleased"/>.
    /// </summary>
    public void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, reason, null) is not null) return;
        Assignment.TrySetException(reason);
        try { _aborted.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Ends the run when no one is left to release this process (the coordinator is gone, or refused this worker):
    /// as <see cref="Abort"/>, and the wait for <see cref="RunCompleted"/> ends too, also after another reason.
    /// </summary>
    public void AbortUnreleased(Exception reason)
    {
        RunCompleted.TrySetException(reason);
        Abort(reason);
    }

    /// <summary>Waits for the grant of the window ending at <paramref name="windowEndTicks"/>.</summary>
    /// <exception cref="PartitionLostException">The run was aborted because a partition was lost.</exception>
    /// <exception cref="OperationCanceledException">The run was interrupted, or <paramref name="cancellation"/> cancelled.</exception>
    public IReadOnlyList<CrossFrame> TakeGrant(long windowEndTicks, CancellationToken cancellation)
    {
        ThrowIfAborted();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _aborted.Token);
        (long WindowEndTicks, IReadOnlyList<CrossFrame> Frames) grant;
        try
        {
            grant = _grants.Take(either.Token);
        }
        catch (OperationCanceledException)
        {
            ThrowIfAborted();
            throw;
        }
        if (grant.WindowEndTicks != windowEndTicks)
            throw new InvalidOperationException($"granted the window ending at {TimeSpan.FromTicks(grant.WindowEndTicks)} while waiting for the one ending at {TimeSpan.FromTicks(windowEndTicks)}");
        return grant.Frames;
    }

    /// <summary>Throws the abort's reason, if the run was aborted.</summary>
    public void ThrowIfAborted()
    {
        if (AbortReason is { } reason) throw reason is PartitionLostException lost ? new PartitionLostException(lost.Partition, lost.Worker) : new OperationCanceledException(reason.Message);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _grants.Dispose();
        _aborted.Dispose();
    }
}

/// <summary>
/// One process's end of the control protocol: receives the coordinator's assignment, the grants of every window (in
/// chunks, assembled here), the abort and the final release, and passes them to the <see cref="PartitionInbox"/>.
/// </summary>
public sealed class PartitionAgent : ReceiveActor
{
    private readonly List<CrossFrame> _granted = [];

    /// <summary>Props of an agent that fills <paramref name="inbox"/>.</summary>
    public static Props Props(PartitionInbox inbox) => Akka.Actor.Props.Create(() => new PartitionAgent(inbox));

    /// <summary>Creates the agent.</summary>
    public PartitionAgent(PartitionInbox inbox)
    {
        Receive<PartitionAssignment>(a =>
        {
            inbox.Coordinator = Sender;
            inbox.Assignment.TrySetResult(a);
        });
        Receive<WorkerRefused>(r => inbox.AbortUnreleased(new WorkerRefusedException(r.Reason)));
        Receive<WindowGranted>(g =>
        {
            foreach (var f in g.Frames) _granted.Add(FrameChunks.FromWire(f));
            if (!g.Last) return;
            inbox.Grant(g.WindowEndTicks, [.. _granted]);
            _granted.Clear();
        });
        Receive<AbortRun>(a => inbox.Abort(a.LostPartition is { } lost
            ? new PartitionLostException(lost, a.Reason)
            : new OperationCanceledException(a.Reason)));
        Receive<RunComplete>(_ => inbox.RunCompleted.TrySetResult());
    }
}

/// <summary>The coordinator refused this worker (another build, or it has every worker it needs).</summary>
public sealed class WorkerRefusedException(string reason) : Exception(reason);
