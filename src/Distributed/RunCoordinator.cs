using Akka.Actor;
using Akka.Cluster;
using NetSim.Protocol.Distributed;
using NetSim.Scenario.Partitioning;

namespace NetSim.Distributed;

/// <summary>A worker that joined the run.</summary>
/// <param name="Partition">The partition it runs (1..Count-1; the coordinator runs 0).</param>
/// <param name="Agent">Its <see cref="PartitionAgent"/>.</param>
/// <param name="ProcessId">Its process id on its machine.</param>
/// <param name="MachineName">Its machine.</param>
public sealed record WorkerInfo(int Partition, IActorRef Agent, int ProcessId, string MachineName)
{
    /// <summary>Its control system's address.</summary>
    public Address Address => Agent.Path.Address;

    /// <summary>How messages name it: <c>worker 2 at 127.0.0.1:40321 (pid 4242)</c>.</summary>
    public override string ToString() => $"worker {Partition} at {Address.Host}:{Address.Port} (pid {ProcessId})";
}

/// <summary>What came of a distributed run: every partition's results (null where none arrived) and why it ended early.</summary>
/// <param name="Parts">Results by partition, null for a partition that was lost.</param>
/// <param name="Failure">Why the run ended early (names the worker and the simulated time reached), or null.</param>
/// <param name="Reached">The end of the last window every partition finished.</param>
/// <param name="Statistics">What the barrier counted.</param>
public sealed record RunOutcome(IReadOnlyList<byte[]?> Parts, string? Failure, TimeSpan Reached, BarrierStatistics Statistics);

/// <summary>What the barrier counted, and where each partition's wall time went (null for a partition that was lost).</summary>
public sealed record BarrierStatistics(long Windows, long FramesCrossed, long MostFramesInAWindow, long BytesCrossed, IReadOnlyList<WindowTimes?> Partitions);

/// <summary>How the coordinator actor reports to the thread that runs the coordinator process.</summary>
public sealed class CoordinatorSignals
{
    /// <summary>Every expected worker joined (their list), or why they never will.</summary>
    public TaskCompletionSource<IReadOnlyList<WorkerInfo>> Joined { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every part arrived (or the time to wait for them ran out after a loss).</summary>
    public TaskCompletionSource<RunOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where the coordinator says what happens (workers joining, refused); null says nothing.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>The coordinator's setup.</summary>
/// <param name="Count">Partitions, the coordinator's own (0) included.</param>
/// <param name="Assignment">What every worker is told (its partition number filled in per worker).</param>
/// <param name="Routes">Where crossing frames go.</param>
/// <param name="LocalAgent">The agent of partition 0, in this process.</param>
/// <param name="Settings">Timings and chunk size.</param>
public sealed record CoordinatorSetup(int Count, PartitionAssignment Assignment, CrossFrameRoutes Routes, IActorRef LocalAgent, DistributedSettings Settings);

/// <summary>Partition 0's results, handed over by the coordinator process's own thread (never crosses the wire).</summary>
/// <param name="Part">The engine's bytes; null when the partition failed.</param>
/// <param name="Times">Its wall time figures.</param>
/// <param name="Failure">Why it failed, or null.</param>
public sealed record LocalPartDone(byte[]? Part, WindowTimes Times, string? Failure);

/// <summary>A local worker process ended (seen by the process that started it; faster than any failure detector).</summary>
public sealed record WorkerProcessExited(int ProcessId, int ExitCode, string? LastError);

/// <summary>The coordinator process was interrupted (Ctrl-C, SIGTERM): every partition stops and sends what it has.</summary>
public sealed record InterruptRun(string Reason);

/// <summary>The coordinator gives up before the run started (its workers did not all join in time).</summary>
public sealed record GiveUp(string Reason);

/// <summary>
/// The coordinator of a distributed run (<c>/user/coordinator</c> on the seed node): admits the workers and assigns
/// their partitions, holds the barrier at the end of every window (collects each partition's crossing frames,
/// routes them to the partitions of their links' receiving ends, grants the next window), gathers the results, and
/// ends the run when a worker is lost (unreachable, gone from the cluster, its process ended, or failed).
/// </summary>
public sealed class RunCoordinator : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under /user.</summary>
    public const string ActorName = "coordinator";

    private readonly CoordinatorSetup _setup;
    private readonly CoordinatorSignals _signals;
    private readonly List<WorkerInfo> _workers = [];
    private readonly IActorRef?[] _agents;

    // the barrier of the current window
    private long? _windowEnd;
    private readonly List<CrossingFrame>[] _sent;
    private readonly bool[] _windowDone;
    private int _windowDoneCount;
    private long _reachedTicks, _windows, _framesCrossed, _mostFrames, _bytesCrossed;

    // the results
    private readonly MemoryStream?[] _partBuffers;
    private readonly byte[]?[] _parts;
    private readonly WindowTimes?[] _times;
    private readonly bool[] _finished;
    private string? _failure;
    private bool _aborted, _started;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the coordinator.</summary>
    public static Props Props(CoordinatorSetup setup, CoordinatorSignals signals) => Akka.Actor.Props.Create(() => new RunCoordinator(setup, signals));

    /// <summary>Creates the coordinator.</summary>
    public RunCoordinator(CoordinatorSetup setup, CoordinatorSignals signals)
    {
        _setup = setup;
        _signals = signals;
        var n = setup.Count;
        _agents = new IActorRef?[n];
        _agents[0] = setup.LocalAgent;
        _sent = Enumerable.Range(0, n).Select(_ => new List<CrossingFrame>()).ToArray();
        _windowDone = new bool[n];
        _partBuffers = new MemoryStream?[n];
        _parts = new byte[]?[n];
        _times = new WindowTimes?[n];
        _finished = new bool[n];

        Receive<WorkerHello>(OnHello);
        Receive<WindowDone>(OnWindowDone);
        Receive<PartitionResults>(OnPart);
        Receive<LocalPartDone>(d =>
        {
            if (d.Failure is not null) Fail(0, $"the coordinator's partition failed: {d.Failure}");
            Finish(0, d.Part, d.Times);
        });
        Receive<PartitionFailed>(f =>
        {
            if (WorkerAt(Sender) is not { } w) return;
            Fail(w.Partition, $"{w} failed at {Seconds(_reachedTicks)} s simulated: {f.Reason}");
            Finish(w.Partition, null, null);
        });
        Receive<ClusterEvent.UnreachableMember>(e => OnGone(e.Member.Address, "is unreachable"));
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (e is ClusterEvent.MemberLeft or ClusterEvent.MemberExited or ClusterEvent.MemberRemoved or ClusterEvent.MemberDowned)
                OnGone(e.Member.Address, "left the cluster");
        });
        Receive<WorkerProcessExited>(OnProcessExited);
        Receive<InterruptRun>(i => Abort(new AbortRun(null, i.Reason)));
        Receive<GiveUp>(g =>
        {
            foreach (var w in _workers) w.Agent.Tell(new WorkerRefused(g.Reason));
            _aborted = true;
        });
        Receive<PartsDeadline>(_ =>
        {
            for (var p = 0; p < _finished.Length; p++)
                if (!_finished[p]) Finish(p, null, null);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember));
        if (_setup.Count > 1) return;
        _started = true; // a run of one process has no one to wait for
        _signals.Joined.TrySetResult([]);
    }

    /// <inheritdoc />
    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void OnHello(WorkerHello hello)
    {
        if (hello.Build != BuildIdentity.Current)
        {
            _signals.Log?.Invoke($"refused a worker at {Sender.Path.Address} (pid {hello.ProcessId}): it runs netsim {hello.Build}, this coordinator {BuildIdentity.Current}");
            Sender.Tell(new WorkerRefused($"this worker runs netsim {hello.Build} and the coordinator {BuildIdentity.Current}: run the same netsim build on every machine"));
            return;
        }
        if (_workers.Any(w => w.Agent.Equals(Sender))) return; // a repeated hello
        if (_started || _aborted)
        {
            Sender.Tell(new WorkerRefused($"the run already has its {_setup.Count - 1} worker{(_setup.Count == 2 ? "" : "s")}"));
            return;
        }
        var worker = new WorkerInfo(_workers.Count + 1, Sender, hello.ProcessId, hello.MachineName);
        _workers.Add(worker);
        _agents[worker.Partition] = worker.Agent;
        _signals.Log?.Invoke($"{worker} joined ({_workers.Count} of {_setup.Count - 1})");
        if (_workers.Count < _setup.Count - 1) return;
        _started = true;
        foreach (var w in _workers) w.Agent.Tell(_setup.Assignment with { Partition = w.Partition });
        _signals.Joined.TrySetResult([.. _workers]);
    }

    private void OnWindowDone(WindowDone done)
    {
        var p = done.Partition;
        if (_aborted || p < 0 || p >= _agents.Length || !Sender.Equals(_agents[p])) return;
        if (_windowDone[p])
        {
            Fail(p, $"partition {p} ended a window twice before the barrier opened (at {TimeSpan.FromTicks(done.WindowEndTicks)})");
            return;
        }
        if (_windowEnd is { } end && end != done.WindowEndTicks)
        {
            Fail(p, $"partitions disagree on the window: partition {p} ended one at {TimeSpan.FromTicks(done.WindowEndTicks)}, others at {TimeSpan.FromTicks(end)}");
            return;
        }
        _windowEnd = done.WindowEndTicks;
        _sent[p].AddRange(done.Frames);
        if (!done.Last) return;
        _windowDone[p] = true;
        if (++_windowDoneCount < _agents.Length) return;
        Grant(done.WindowEndTicks);
    }

    private void Grant(long windowEndTicks)
    {
        var incoming = Enumerable.Range(0, _agents.Length).Select(_ => new List<CrossingFrame>()).ToArray();
        long frames = 0;
        for (var sender = 0; sender < _sent.Length; sender++)
        {
            foreach (var f in _sent[sender])
            {
                if (_setup.Routes.Destination(f, sender) is not { } destination)
                {
                    Fail(sender, $"partition {sender} sent a frame on link '{f.Link}', which does not leave it");
                    return;
                }
                incoming[destination].Add(f);
                _bytesCrossed += f.Frame.Length;
                frames++;
            }
            _sent[sender].Clear();
        }
        for (var p = 0; p < _agents.Length; p++)
        {
            var agent = _agents[p]!;
            FrameChunks.Send(FrameChunks.Split(incoming[p], _setup.Settings.ChunkBytes), (chunk, last) => agent.Tell(new WindowGranted(windowEndTicks, chunk, last), Self));
        }
        _reachedTicks = windowEndTicks;
        _windows++;
        _framesCrossed += frames;
        _mostFrames = Math.Max(_mostFrames, frames);
        Array.Clear(_windowDone);
        _windowDoneCount = 0;
        _windowEnd = null;
    }

    private void OnPart(PartitionResults part)
    {
        if (WorkerAt(Sender) is not { } w || w.Partition != part.Partition || _finished[w.Partition]) return;
        var buffer = _partBuffers[w.Partition] ??= new MemoryStream();
        buffer.Write(part.Chunk);
        if (!part.Last) return;
        _partBuffers[w.Partition] = null;
        Finish(w.Partition, buffer.ToArray(), part.Times);
    }

    private void OnGone(Address address, string how)
    {
        var worker = _workers.FirstOrDefault(w => w.Address.Equals(address));
        if (worker is null) return;
        if (!_started)
        {
            _signals.Joined.TrySetException(new WorkerLostException($"{worker} {how} before the run started"));
            return;
        }
        Lose(worker, how);
    }

    private void OnProcessExited(WorkerProcessExited exited)
    {
        var worker = _workers.FirstOrDefault(w => w.ProcessId == exited.ProcessId && w.MachineName == Environment.MachineName);
        var how = $"exited with code {exited.ExitCode}";
        if (worker is null || !_started)
            _signals.Joined.TrySetException(new WorkerLostException(
                $"worker process {exited.ProcessId} {how} before the run started{(exited.LastError is { Length: > 0 } e ? $": {e}" : "")}"));
        else
            Lose(worker, how);
    }

    private void Lose(WorkerInfo worker, string how)
    {
        if (_finished[worker.Partition]) return; // its results are in: leaving is what it does next
        Fail(worker.Partition, $"{worker} {how}; the run reached {Seconds(_reachedTicks)} s simulated");
        Finish(worker.Partition, null, null);
    }

    /// <summary>Ends the run early because of <paramref name="partition"/>; the first failure is the one reported.</summary>
    private void Fail(int partition, string failure)
    {
        _failure ??= failure;
        Abort(new AbortRun(partition, failure));
    }

    private void Abort(AbortRun abort)
    {
        if (_aborted) return;
        _aborted = true;
        for (var p = 0; p < _agents.Length; p++)
            if (!_finished[p]) _agents[p]?.Tell(abort, Self);
        // Live partitions send what they reached; those that cannot within the failure timeout are left out.
        Timers.StartSingleTimer(nameof(PartsDeadline), PartsDeadline.Instance, _setup.Settings.FailureTimeout);
    }

    private void Finish(int partition, byte[]? part, WindowTimes? times)
    {
        if (_finished[partition]) return;
        _finished[partition] = true;
        _parts[partition] = part;
        _times[partition] = times;
        if (_finished.Any(f => !f)) return;
        Timers.CancelAll();
        foreach (var w in _workers) w.Agent.Tell(RunComplete.Instance, Self);
        _signals.Outcome.TrySetResult(new RunOutcome([.. _parts], _failure, TimeSpan.FromTicks(_reachedTicks),
            new BarrierStatistics(_windows, _framesCrossed, _mostFrames, _bytesCrossed, [.. _times])));
    }

    private WorkerInfo? WorkerAt(IActorRef agent) => _workers.FirstOrDefault(w => w.Agent.Equals(agent));

    private static string Seconds(long ticks) => TimeSpan.FromTicks(ticks).TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class PartsDeadline
    {
        public static readonly PartsDeadline Instance = new();
    }
}

/// <summary>A worker was lost before the run started, or its process ended.</summary>
public sealed class WorkerLostException(string message) : Exception(message);
