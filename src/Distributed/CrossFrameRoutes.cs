using NetSim.Protocol.Distributed;
using NetSim.Scenario.Partitioning;

namespace NetSim.Distributed;

/// <summary>
/// Which partition a crossing frame goes to: the partition of the host at the link's receiving end (direction 0 goes
/// from end a to end b). Only the plan's cut links carry frames between partitions.
/// </summary>
public sealed class CrossFrameRoutes
{
    private readonly Dictionary<string, (int A, int B)> _ends;

    /// <summary>The routes of <paramref name="plan"/>'s cut links in <paramref name="scenario"/>.</summary>
    public CrossFrameRoutes(Scenario.Scenario scenario, PartitionPlan plan)
    {
        var cut = plan.CutLinks.ToHashSet(StringComparer.Ordinal);
        _ends = scenario.Links
            .Where(l => cut.Contains(l.Name))
            .ToDictionary(l => l.Name, l => (plan.HostPartition[l.A.Host], plan.HostPartition[l.B.Host]), StringComparer.Ordinal);
    }

    /// <summary>The partition that receives <paramref name="frame"/> sent by <paramref name="sender"/>, or null when its
    /// link is not a cut link or <paramref name="sender"/> does not hold the link's sending end.</summary>
    public int? Destination(CrossingFrame frame, int sender) =>
        !_ends.TryGetValue(frame.Link, out var ends) ? null
        : frame.Direction == 0 ? ends.A == sender ? ends.B : null
        : frame.Direction == 1 ? ends.B == sender ? ends.A : null
        : null;
}

/// <summary>Conversions between the engine's <see cref="CrossFrame"/> and the wire's <see cref="CrossingFrame"/>, and
/// the split of long lists into messages of bounded size.</summary>
public static class FrameChunks
{
    // What a frame costs in a message besides its bytes and link name: MessagePack headers of the record and fields.
    private const int FrameOverhead = 24;

    /// <summary>The wire copy of <paramref name="frame"/>.</summary>
    public static CrossingFrame ToWire(CrossFrame frame) => new(frame.Link, frame.Direction, frame.ArrivalTicks, frame.Frame);

    /// <summary>The engine's copy of <paramref name="frame"/>.</summary>
    public static CrossFrame FromWire(CrossingFrame frame) => new(frame.Link, frame.Direction, frame.ArrivalTicks, frame.Frame);

    /// <summary>
    /// <paramref name="frames"/> in order, split into runs of at most <paramref name="maxBytes"/> (a larger frame goes
    /// alone); always at least one run, empty when there are no frames, so the last message of a window is always sent.
    /// </summary>
    public static IEnumerable<IReadOnlyList<CrossingFrame>> Split(IReadOnlyList<CrossingFrame> frames, int maxBytes)
    {
        var run = new List<CrossingFrame>();
        var bytes = 0L;
        foreach (var f in frames)
        {
            var size = f.Frame.Length + f.Link.Length + FrameOverhead;
            if (run.Count > 0 && bytes + size > maxBytes)
            {
                yield return run;
                run = [];
                bytes = 0;
            }
            run.Add(f);
            bytes += size;
        }
        yield return run;
    }

    /// <summary>Calls <paramref name="send"/> with every chunk and whether it is the last one.</summary>
    public static void Send<T>(IEnumerable<T> chunks, Action<T, bool> send)
    {
        using var e = chunks.GetEnumerator();
        var more = e.MoveNext();
        while (more)
        {
            var chunk = e.Current;
            more = e.MoveNext();
            send(chunk, !more);
        }
    }

    /// <summary><paramref name="bytes"/> in pieces of at most <paramref name="maxBytes"/>; at least one (maybe empty).</summary>
    public static IEnumerable<byte[]> Split(byte[] bytes, int maxBytes)
    {
        if (bytes.Length == 0) yield return [];
        for (var offset = 0; offset < bytes.Length; offset += maxBytes)
            yield return bytes[offset..Math.Min(bytes.Length, offset + maxBytes)];
    }
}
