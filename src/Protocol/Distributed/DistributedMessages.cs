using MessagePack;

// Messages of a distributed run's control protocol (src/Distributed), between the RunCoordinator actor of the
// coordinator process and the PartitionAgent actor of every process. They travel over Akka.Remote on the control
// ActorSystem (real time), never through the virtual-time simulation systems. Large payloads (a window's frames, a
// partition's results) are sent in chunks, each well under akka.remote's maximum-frame-size; Akka.Remote keeps the
// order of messages between two actors, so the chunks arrive in the order they were sent.
namespace NetSim.Protocol.Distributed;

/// <summary>
/// A worker's control system joined the cluster: it asks the coordinator for a partition. The sender is the
/// worker's PartitionAgent. Replies <see cref="PartitionAssignment"/> (once every expected worker is there) or
/// <see cref="WorkerRefused"/>.
/// </summary>
/// <param name="ProcessId">The worker's process id on its machine (for messages and for killing it).</param>
/// <param name="Build">The worker's build identity; it must equal the coordinator's (same netsim build).</param>
/// <param name="MachineName">The worker's host name (for messages).</param>
[MessagePackObject]
public sealed record WorkerHello(
    [property: Key(0)] int ProcessId,
    [property: Key(1)] string Build,
    [property: Key(2)] string MachineName) : INetSimMessage;

/// <summary>The coordinator will not use this worker (another build, or enough workers already); it should exit.</summary>
[MessagePackObject]
public sealed record WorkerRefused([property: Key(0)] string Reason) : INetSimMessage;

/// <summary>
/// What a worker runs: partition <paramref name="Partition"/> of <paramref name="Count"/>, of the scenario the
/// coordinator loaded (its text, file name, <c>--set</c> overrides and seed, so nothing is copied by hand). Every
/// process computes the same plan from the same scenario.
/// </summary>
[MessagePackObject]
public sealed record PartitionAssignment(
    [property: Key(0)] int Partition,
    [property: Key(1)] int Count,
    [property: Key(2)] string FileName,
    [property: Key(3)] string ScenarioText,
    [property: Key(4)] IReadOnlyList<string> Overrides,
    [property: Key(5)] long Seed,
    [property: Key(6)] int MaxFileBytes) : INetSimMessage;

/// <summary>One frame that crosses partitions on a cut link (the transport's copy of the engine's CrossFrame).</summary>
/// <param name="Link">The link's name.</param>
/// <param name="Direction">0: from end a to end b; 1: from b to a.</param>
/// <param name="ArrivalTicks">Simulated arrival time (ticks of 100 ns since the run started).</param>
/// <param name="Frame">The frame's bytes.</param>
[MessagePackObject]
public sealed record CrossingFrame(
    [property: Key(0)] string Link,
    [property: Key(1)] int Direction,
    [property: Key(2)] long ArrivalTicks,
    [property: Key(3)] byte[] Frame) : INetSimMessage;

/// <summary>
/// Partition <paramref name="Partition"/> ran its window up to <paramref name="WindowEndTicks"/>; these are (a chunk
/// of) the frames its cut links sent in it, in the order sent. <paramref name="Last"/> closes the window.
/// </summary>
[MessagePackObject]
public sealed record WindowDone(
    [property: Key(0)] int Partition,
    [property: Key(1)] long WindowEndTicks,
    [property: Key(2)] IReadOnlyList<CrossingFrame> Frames,
    [property: Key(3)] bool Last) : INetSimMessage;

/// <summary>
/// Every partition finished the window ending at <paramref name="WindowEndTicks"/>; these are (a chunk of) the frames
/// the others sent to the receiving partition. <paramref name="Last"/>: the partition may run its next window.
/// </summary>
[MessagePackObject]
public sealed record WindowGranted(
    [property: Key(0)] long WindowEndTicks,
    [property: Key(1)] IReadOnlyList<CrossingFrame> Frames,
    [property: Key(2)] bool Last) : INetSimMessage;

/// <summary>A chunk of a partition's results (the engine's opaque bytes); <paramref name="Last"/> completes them.</summary>
[MessagePackObject]
public sealed record PartitionResults(
    [property: Key(0)] int Partition,
    [property: Key(1)] byte[] Chunk,
    [property: Key(2)] bool Last,
    [property: Key(3)] WindowTimes Times) : INetSimMessage;

/// <summary>Where a partition's wall time went: running its windows, and waiting at the barrier.</summary>
/// <param name="Windows">Windows run.</param>
/// <param name="ComputingTicks">Wall time (ticks) between a grant and the next window's end.</param>
/// <param name="SynchronisingTicks">Wall time (ticks) from handing over a window's frames to the next grant.</param>
/// <param name="FramesSent">Frames this partition sent across.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set.</param>
[MessagePackObject]
public sealed record WindowTimes(
    [property: Key(0)] long Windows,
    [property: Key(1)] long ComputingTicks,
    [property: Key(2)] long SynchronisingTicks,
    [property: Key(3)] long FramesSent,
    [property: Key(4)] long PeakWorkingSetBytes) : INetSimMessage;

/// <summary>A worker could not run its partition (the scenario did not load or plan there, the engine failed).</summary>
[MessagePackObject]
public sealed record PartitionFailed([property: Key(0)] int Partition, [property: Key(1)] string Reason) : INetSimMessage;

/// <summary>
/// The run stops early: every partition stops at its next window and sends its results so far. When
/// <paramref name="LostPartition"/> is set, that partition is gone (<paramref name="Reason"/> names its worker);
/// otherwise the run was interrupted (Ctrl-C, SIGTERM).
/// </summary>
[MessagePackObject]
public sealed record AbortRun([property: Key(0)] int? LostPartition, [property: Key(1)] string Reason) : INetSimMessage;

/// <summary>The coordinator has every result: the worker may leave the cluster and exit.</summary>
[MessagePackObject]
public sealed record RunComplete : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly RunComplete Instance = new();
}
