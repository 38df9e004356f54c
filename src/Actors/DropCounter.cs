namespace NetSim.Actors;

/// <summary>Drops by reason: links and switches (<see cref="Protocol.Links.LinkCounters.DropReasons"/>) and the stack's own ("stack.REASON" in its host counters).</summary>
internal sealed class DropCounter
{
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public void Count(string reason, long n = 1)
    {
        Total += n;
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + n;
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_reasons);
}
