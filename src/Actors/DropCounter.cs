using System.Collections.ObjectModel;

namespace NetSim.Actors;

/// <summary>Drops by reason: links and switches (<see cref="Protocol.Links.LinkCounters.DropReasons"/>) and the stack's own ("stack.REASON" in its host counters).</summary>
internal sealed class DropCounter
{
    private Dictionary<string, long>? _reasons; // made on the first drop: most hosts and links never drop
    private IReadOnlyDictionary<string, long>? _snapshot; // the last copy handed out, while no drop was counted since

    public long Total { get; private set; }

    public void Count(string reason, long n = 1)
    {
        Total += n;
        _reasons ??= new Dictionary<string, long>(StringComparer.Ordinal);
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + n;
        _snapshot = null;
    }

    /// <summary>A copy of the counts by reason: the same read-only copy again until the next drop (counters are asked
    /// for at every sample of the time series, and most wires never drop).</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => _snapshot ??= _reasons is null ? None : new Dictionary<string, long>(_reasons);

    /// <summary>
    /// The one empty map of drop reasons: what a snapshot of anything that never dropped holds. A time series reads
    /// every NIC, link and wire at every sample; an empty dictionary each time was most of what a sample allocated.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, long> None = ReadOnlyDictionary<string, long>.Empty;
}
