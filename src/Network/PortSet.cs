namespace NetSim.Network;

/// <summary>
/// The bound ports of one host's port space, indexed like a <c>bool[65536]</c> but costing memory only for the ports
/// that are bound: a 64 KB array per host was most of a 10,000-host scenario's heap, where hosts bind a port or two.
/// </summary>
internal sealed class PortSet
{
    private readonly HashSet<ushort> _bound = [];

    public bool this[int port]
    {
        get => _bound.Contains((ushort)port);
        set
        {
            if (value) _bound.Add((ushort)port);
            else _bound.Remove((ushort)port);
        }
    }
}
