using NetSim.Protocol;
using NetSim.Protocol.Links;

namespace NetSim.Actors.Links;

/// <summary>
/// The counters of one direction of one wire (a link direction, a switch port's ingress or egress), kept so that
/// Offered = Delivered + Dropped + InFlight holds whenever the owner answers: every frame offered is counted once
/// in exactly one of the three, and moves between them (in flight, then delivered; delivered, then a failed write).
/// </summary>
internal sealed class WireCounter(string from, string to)
{
    private readonly DropCounter _dropped = new();
    private WireCounters? _snapshot; // the last answer, while nothing changed since

    public long Offered { get; private set; }
    public long Delivered { get; private set; }
    public long InFlight { get; private set; }
    public long Dropped => _dropped.Total;

    public void Offer() { Offered++; _snapshot = null; }
    public void Drop(string reason, long n = 1) { _dropped.Count(reason, n); _snapshot = null; }
    public void Launch() { InFlight++; _snapshot = null; }
    public void Land() { InFlight--; _snapshot = null; }
    public void Deliver() { Delivered++; _snapshot = null; }

    /// <summary>Frames counted delivered whose write into the NIC then failed: they move to dropped.</summary>
    public void Undeliver(string reason, long n)
    {
        Delivered -= n;
        _dropped.Count(reason, n);
        _snapshot = null;
    }

    /// <summary>The reason a port's failed write is counted under.</summary>
    public static string WriteFailure(Errno errno) => errno switch
    {
        Errno.EMSGSIZE => "too-big",
        Errno.EIO or Errno.EBADFD => "nic-gone",
        _ => "write-" + errno,
    };

    /// <summary>The counters now; the same (immutable) object again while nothing changed.</summary>
    public WireCounters Snapshot() => _snapshot ??= new(from, to, Offered, Delivered, _dropped.Snapshot(), InFlight);

    /// <summary>Adds this wire's drops by reason into <paramref name="reasons"/>.</summary>
    public void AddDropsTo(Dictionary<string, long> reasons)
    {
        foreach (var (reason, n) in _dropped.Snapshot()) reasons[reason] = reasons.GetValueOrDefault(reason) + n;
    }
}

/// <summary>
/// The <see cref="LinkCounters"/> of an owner of <paramref name="wires"/> (a link's two directions; a switch's ports,
/// each port's ingress then egress): frames taken from NICs, delivered into NICs and in flight are the owner's to say
/// (a switch floods: one frame taken, several delivered); drops are every wire's.
/// </summary>
/// <remarks>
/// The time series asks every link for its counters at every sample (every 100 ms by default), busy or not, so an
/// answer is built only when something changed since the last one and otherwise is the same immutable object again;
/// a wire's own part is kept the same way, so a wire handing out the same snapshot as last time has not changed.
/// </remarks>
internal sealed class WireTotals(string name, WireCounter[] wires)
{
    private LinkCounters? _last;

    public LinkCounters Snapshot(long taken, long delivered, long inFlight)
    {
        if (_last is { } last && last.Taken == taken && last.Delivered == delivered && last.InFlight == inFlight && Unchanged(last.Directions))
            return last;

        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        long dropped = 0;
        var directions = new WireCounters[wires.Length];
        for (var i = 0; i < wires.Length; i++)
        {
            wires[i].AddDropsTo(reasons);
            dropped += wires[i].Dropped;
            directions[i] = wires[i].Snapshot();
        }
        return _last = new LinkCounters(name, taken, delivered, dropped, inFlight, reasons, directions);
    }

    private bool Unchanged(IReadOnlyList<WireCounters> before)
    {
        for (var i = 0; i < wires.Length; i++)
            if (!ReferenceEquals(wires[i].Snapshot(), before[i])) return false;
        return true;
    }
}
