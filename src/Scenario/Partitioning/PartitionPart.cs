using System.Text.Json;
using NetSim.Scenario.Reports;
using NetSim.Scenario.Running;

namespace NetSim.Scenario.Partitioning;

/// <summary>
/// What one partition of a run measured, for the merge that writes the one report: the counters of the NICs, hosts,
/// links (a cut link's half: what it saw of each direction), and switches it simulated, its sides of the flows, how
/// far it got, and the captures of its NICs. One partition's part is the whole run's in one process.
/// </summary>
/// <param name="Index">The partition (0-based).</param>
/// <param name="Nics">Counters of its NICs (also those closed during the run).</param>
/// <param name="Hosts">Stack counters of its hosts.</param>
/// <param name="Links">Its links and halves of cut links, by name; directions always a-to-b then b-to-a.</param>
/// <param name="Switches">Its switches.</param>
/// <param name="Flows">Its sides of the ping and UDP flows (every flow, zero where nothing ran here).</param>
/// <param name="TcpFlows">Its sides of the tcp flows.</param>
/// <param name="Reached">Simulated time reached.</param>
/// <param name="Interrupted">Stopped before the end (cancelled, or another partition was lost).</param>
/// <param name="Captures">The pcap files of its captured NICs (<c>host.nic.pcap</c>), when they travel in the part;
/// empty when they were written straight to the output folder.</param>
/// <param name="Stats">How its time windows went (what predicts scaling: computing vs synchronising).</param>
public sealed record PartitionPart(
    int Index,
    List<NicCounters> Nics,
    List<HostStackCounters> Hosts,
    List<WiresReport> Links,
    List<WiresReport> Switches,
    List<FlowPart> Flows,
    List<TcpFlowPart> TcpFlows,
    TimeSpan Reached,
    bool Interrupted,
    List<CaptureFile> Captures,
    PartitionStats Stats)
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = false };

    /// <summary>The part as bytes (UTF-8 JSON), what <see cref="IPartitionEngine.RunPartition"/> returns.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The part <see cref="ToBytes"/> made.</summary>
    public static PartitionPart FromBytes(byte[] bytes) =>
        JsonSerializer.Deserialize<PartitionPart>(bytes, Json) ?? throw new InvalidDataException("empty partition part");
}

/// <summary>A pcap file's name (in the output folder) and bytes.</summary>
public sealed record CaptureFile(string Name, byte[] Bytes);

/// <summary>How one partition's windows went: how many, the frames its cut links sent and received, and the wall time
/// spent running its events (computing) and waiting at the window exchanges (synchronising).</summary>
public sealed record PartitionStats(int Partition, long Windows, long FramesSent, long FramesReceived, TimeSpan Computing, TimeSpan Synchronising);
