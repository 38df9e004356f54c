using NetSim.Scenario.Running;

namespace NetSim.Scenario.Partitioning;

/// <summary>
/// The partitioned simulation engine (docs/design.md, "Partitioned runs"): plans the split, runs one partition
/// window by window through any <see cref="IWindowExchange"/>, and merges the parts into the report a one-process
/// run writes, byte for byte.
/// </summary>
public sealed class PartitionEngine : IPartitionEngine
{
    /// <inheritdoc />
    public PartitionPlanResult Plan(Scenario scenario, int partitions) => PartitionPlanner.Plan(scenario, partitions);

    /// <inheritdoc />
    public byte[] RunPartition(Scenario scenario, PartitionPlan plan, int index, IWindowExchange exchange, RunOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, plan.Count);
        // The captures travel in the part: the process that merges writes them (it may be another machine).
        var local = PartitionRun.Execute(scenario, plan, index, exchange, options with { OutputDirectory = null }, capturesInPart: true);
        return local.Part.ToBytes();
    }

    /// <inheritdoc />
    public RunResult Merge(Scenario scenario, PartitionPlan plan, IReadOnlyList<byte[]?> parts, RunOptions options, string? failure) =>
        RunMerger.Merge(scenario, [.. parts.Select(p => p is null ? null : PartitionPart.FromBytes(p))], options, failure, local: null);
}
