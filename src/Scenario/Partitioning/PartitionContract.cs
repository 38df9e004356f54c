using NetSim.Scenario.Running;

namespace NetSim.Scenario.Partitioning;

// The seam between a partitioned run (which hosts, links and switches one process simulates, and how its virtual time
// advances window by window) and the transport that carries frames and results between the processes (Akka.Cluster
// in src/Distributed, or threads of one process in tests). Neither side knows how the other works.

/// <summary>
/// A frame that left its partition on a cut link: it was transmitted (loss, queue, rate and jitter applied) by the
/// sending end and is due at the receiving end at <paramref name="ArrivalTicks"/> of simulated time.
/// </summary>
/// <param name="Link">The link's name in the scenario.</param>
/// <param name="Direction">0: from end a to end b; 1: from b to a.</param>
/// <param name="ArrivalTicks">Simulated arrival time in ticks (100 ns) since the run started.</param>
/// <param name="Frame">The frame's bytes (link-layer: Ethernet for TAP ends, IP for TUN ends).</param>
public sealed record CrossFrame(string Link, int Direction, long ArrivalTicks, byte[] Frame);

/// <summary>
/// How the processes of one run meet at the end of every time window. One call per partition per window; it returns
/// once every partition has finished the same window, with the frames the others sent to this partition.
/// </summary>
public interface IWindowExchange
{
    /// <summary>
    /// Partition <paramref name="partition"/> ran every event at or before <paramref name="windowEnd"/>; hands over the
    /// frames its cut links sent during the window (in the order they were sent) and returns the frames sent to it by
    /// the other partitions (per link and direction in the order they were sent).
    /// </summary>
    /// <exception cref="PartitionLostException">Another partition died or became unreachable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (the run is interrupted).</exception>
    IReadOnlyList<CrossFrame> Exchange(int partition, TimeSpan windowEnd, IReadOnlyList<CrossFrame> outgoing, CancellationToken cancellation);
}

/// <summary>A partition of the run is gone (its process died or was cut off); the run cannot go on.</summary>
/// <param name="partition">The partition that was lost.</param>
/// <param name="worker">Who ran it, as the user knows it (for example <c>worker 2 at 127.0.0.1:4053</c>).</param>
public sealed class PartitionLostException(int partition, string worker)
    : Exception($"{worker} (partition {partition}) was lost")
{
    /// <summary>The partition that was lost.</summary>
    public int Partition { get; } = partition;

    /// <summary>Who ran it.</summary>
    public string Worker { get; } = worker;
}

/// <summary>
/// Runs one partition of a scenario and merges the partitions' results into the one report. Implemented by
/// <c>PartitionEngine</c>; the transport (src/Distributed) only moves its opaque byte arrays.
/// </summary>
public interface IPartitionEngine
{
    /// <summary>
    /// Splits <paramref name="scenario"/> into <paramref name="partitions"/> parts (automatic, or as the file's
    /// <c>hosts.NAME.node</c> keys say). Deterministic: every process computes the same plan from the same scenario.
    /// </summary>
    /// <returns>The plan, or the errors (file, line, key) that make the split impossible, for example a link with zero
    /// delay between two hosts the file places on different nodes.</returns>
    PartitionPlanResult Plan(Scenario scenario, int partitions);

    /// <summary>
    /// Builds and runs partition <paramref name="index"/> of <paramref name="plan"/>, window by window through
    /// <paramref name="exchange"/>, and returns its part of the results (counters, flow statistics, captures) as bytes
    /// for <see cref="Merge"/>. When the run is cancelled or a partition is lost it stops and returns what it reached.
    /// </summary>
    byte[] RunPartition(Scenario scenario, PartitionPlan plan, int index, IWindowExchange exchange, RunOptions options);

    /// <summary>
    /// Merges the parts (null for a partition whose part never arrived) into one report and writes report.json,
    /// counters.csv and the pcaps to <see cref="RunOptions.OutputDirectory"/> exactly as a one-process run would.
    /// <paramref name="failure"/>, when set, marks the report as partial with that reason.
    /// </summary>
    RunResult Merge(Scenario scenario, PartitionPlan plan, IReadOnlyList<byte[]?> parts, RunOptions options, string? failure);
}

/// <summary>A plan, or why there is none.</summary>
public sealed record PartitionPlanResult(PartitionPlan? Plan, System.Collections.Immutable.ImmutableArray<ScenarioError> Errors);

/// <summary>Which partition simulates each host and switch, and the time window the cut links allow.</summary>
/// <param name="Count">Number of partitions (processes).</param>
/// <param name="HostPartition">Partition of every host, by name.</param>
/// <param name="SwitchPartition">Partition of every switch (always that of the hosts it joins).</param>
/// <param name="CutLinks">Links whose ends lie in different partitions, in scenario order.</param>
/// <param name="Lookahead">The window: the smallest delay any cut link can have during the run. Infinite
/// (<see cref="TimeSpan.MaxValue"/>) when nothing is cut.</param>
public sealed record PartitionPlan(
    int Count,
    IReadOnlyDictionary<string, int> HostPartition,
    IReadOnlyDictionary<string, int> SwitchPartition,
    IReadOnlyList<string> CutLinks,
    TimeSpan Lookahead);
