using NetSim.Protocol.Wire;

namespace NetSim.Network;

/// <summary>
/// A host's routing table: the routes in the order they were added, and a longest-prefix-match index over them,
/// one hash table per prefix length and family keyed by the network (as Linux's fib_hash kept its zones), searched
/// from the longest length in use down. A look-up costs one hash probe per distinct prefix length in use, not one
/// comparison per route: a hub with 10,000 connected /30s probes one table.
/// </summary>
/// <remarks>Among routes for the same network and length the first added wins, as a scan in insertion order would
/// pick it; removing routes (rare: an address or NIC goes away, ip route del) rebuilds the index. A table of at most
/// <see cref="ScanLimit"/> routes (a leaf's connected route and default) has no index and is scanned instead: the
/// index of two routes cost about 1.2 KB (a 33-slot table, two dictionaries and their lists), a million hosts 1.2 GB,
/// and a scan of a few routes is no slower than the hash probes. The index is built when the table outgrows it.</remarks>
internal sealed class RouteTable
{
    /// <summary>Routes a table holds before it indexes them.</summary>
    internal const int ScanLimit = 8;

    private readonly List<Route> _routes = [];
    private bool _indexed;
    // One table per prefix length, allocated with the family's first route (most hosts have no IPv6 route at all).
    private Dictionary<IpAddress, List<Route>>?[] _v4 = [], _v6 = [];
    /// <summary>Prefix lengths with at least one route, longest first.</summary>
    private int[] _v4Lengths = [], _v6Lengths = [];

    /// <summary>Every route, in the order added.</summary>
    public IReadOnlyList<Route> All => _routes;

    public void Add(Route route)
    {
        _routes.Add(route);
        if (_indexed) Index(route);
        else if (_routes.Count > ScanLimit) Reindex();
    }

    /// <summary>True once the table outgrew <see cref="ScanLimit"/> (for tests).</summary>
    internal bool IsIndexed => _indexed;

    /// <summary>Removes the routes <paramref name="match"/> picks; returns how many.</summary>
    public int RemoveAll(Predicate<Route> match)
    {
        var removed = _routes.RemoveAll(match);
        if (removed > 0 && _indexed) Reindex();
        return removed;
    }

    /// <summary>Builds the index over every route (a table that shrinks back keeps it).</summary>
    private void Reindex()
    {
        _v4 = [];
        _v6 = [];
        _v4Lengths = [];
        _v6Lengths = [];
        _indexed = true;
        foreach (var r in _routes) Index(r);
    }

    /// <summary>The routes for exactly <paramref name="network"/>/<paramref name="prefixLength"/> (host bits clear), first added first.</summary>
    public IReadOnlyList<Route> For(IpAddress network, int prefixLength)
    {
        if (!_indexed) return [.. _routes.Where(r => r.PrefixLength == prefixLength && r.Prefix == network)];
        return Tables(network) is { Length: > 0 } tables && tables[prefixLength] is { } table && table.TryGetValue(network, out var routes) ? routes : [];
    }

    /// <summary>Longest-prefix match for <paramref name="destination"/> (the first added wins a tie); with
    /// <paramref name="connectedOnly"/>, among connected routes only.</summary>
    public bool TryLookup(IpAddress destination, bool connectedOnly, out Route route)
    {
        if (!_indexed) return TryScan(destination, connectedOnly, out route);
        var tables = Tables(destination);
        foreach (var length in destination.IsV4 ? _v4Lengths : _v6Lengths)
        {
            if (!tables[length]!.TryGetValue(destination.Network(length), out var routes)) continue;
            foreach (var r in routes)
            {
                if (connectedOnly && !r.IsConnected) continue;
                route = r;
                return true;
            }
        }
        route = default;
        return false;
    }

    /// <summary>The longest match by a scan in insertion order: a later route wins only with a longer prefix.</summary>
    private bool TryScan(IpAddress destination, bool connectedOnly, out Route route)
    {
        var found = -1;
        for (var i = 0; i < _routes.Count; i++)
        {
            var r = _routes[i];
            if ((connectedOnly && !r.IsConnected) || r.Prefix.IsV4 != destination.IsV4) continue;
            if (found >= 0 && r.PrefixLength <= _routes[found].PrefixLength) continue;
            if (destination.Network(r.PrefixLength) == r.Prefix) found = i;
        }
        route = found >= 0 ? _routes[found] : default;
        return found >= 0;
    }

    private Dictionary<IpAddress, List<Route>>?[] Tables(IpAddress address) => address.IsV4 ? _v4 : _v6;

    private void Index(Route route)
    {
        if (Tables(route.Prefix).Length == 0)
        {
            if (route.Prefix.IsV4) _v4 = new Dictionary<IpAddress, List<Route>>?[33];
            else _v6 = new Dictionary<IpAddress, List<Route>>?[129];
        }
        var tables = Tables(route.Prefix);
        if (tables[route.PrefixLength] is not { } table)
        {
            tables[route.PrefixLength] = table = [];
            if (route.Prefix.IsV4) _v4Lengths = WithLength(_v4Lengths, route.PrefixLength);
            else _v6Lengths = WithLength(_v6Lengths, route.PrefixLength);
        }
        if (table.TryGetValue(route.Prefix, out var routes)) routes.Add(route);
        else table.Add(route.Prefix, [route]);
    }

    private static int[] WithLength(int[] lengths, int length) => [.. lengths.Append(length).OrderDescending()];
}
