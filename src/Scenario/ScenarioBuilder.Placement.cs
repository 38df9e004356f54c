using System.Collections.Immutable;

namespace NetSim.Scenario;

// hosts.NAME.node: where a partitioned run (netsim run --partitions N, --nodes N) places a host. Whether the node
// exists is known only when the run says how many there are (PartitionPlanner checks node <= N).
internal sealed partial class ScenarioBuilder
{
    /// <summary>Largest node number a file may name (far more processes than one run will ever have).</summary>
    public const int MaxNode = 4096;

    private readonly ImmutableDictionary<string, int>.Builder _hostNodes = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);

    private void ReadNode(Section host, string name)
    {
        if (host.Has("node") && host.Integer("node", required: false, 1, MaxNode) is { } node) _hostNodes[name] = (int)node;
    }
}
