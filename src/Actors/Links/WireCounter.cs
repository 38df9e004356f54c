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

    public long Offered { get; private set; }
    public long Delivered { get; private set; }
    public long InFlight { get; private set; }
    public long Dropped => _dropped.Total;

    public void Offer() => Offered++;
    public void Drop(string reason, long n = 1) => _dropped.Count(reason, n);
    public void Launch() => InFlight++;
    public void Land() => InFlight--;
    public void Deliver() => Delivered++;

    /// <summary>Frames counted delivered whose write into the NIC then failed: they move to dropped.</summary>
    public void Undeliver(string reason, long n)
    {
        Delivered -= n;
        _dropped.Count(reason, n);
    }

    /// <summary>The reason a port's failed write is counted under.</summary>
    public static string WriteFailure(Errno errno) => errno switch
    {
        Errno.EMSGSIZE => "too-big",
        Errno.EIO or Errno.EBADFD => "nic-gone",
        _ => "write-" + errno,
    };

    public WireCounters Snapshot() => new(from, to, Offered, Delivered, _dropped.Snapshot(), InFlight);

    /// <summary>
    /// <see cref="LinkCounters"/> of an owner of <paramref name="wires"/>: frames taken from NICs, delivered into NICs and
    /// in flight are the owner's to say (a switch floods: one frame taken, several delivered); drops are every wire's.
    /// </summary>
    public static LinkCounters Total(string name, long taken, long delivered, long inFlight, IReadOnlyList<WireCounter> wires)
    {
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var w in wires)
            foreach (var (reason, n) in w._dropped.Snapshot()) reasons[reason] = reasons.GetValueOrDefault(reason) + n;
        return new LinkCounters(name, taken, delivered, wires.Sum(w => w.Dropped), inFlight, reasons, wires.Select(w => w.Snapshot()).ToList());
    }
}
