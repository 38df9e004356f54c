using NetSim.Protocol.Wire;

namespace NetSim.Network;

/// <summary>An address with its prefix length, as `ip addr` lists it.</summary>
public readonly record struct InterfaceAddress(IpAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>The stack's view of one NIC: identity, link type, MTU and addresses. Mutated only by <see cref="HostStack"/>.</summary>
internal sealed class NetworkInterface(int nicId, string name, bool isTap, MacAddress mac, int mtu)
{
    public int NicId { get; } = nicId;
    public string Name { get; } = name;
    /// <summary>TAP carries Ethernet and resolves neighbours; TUN is point-to-point and carries bare IP.</summary>
    public bool IsTap { get; } = isTap;
    public MacAddress Mac { get; set; } = mac;
    /// <summary>Largest IP packet the link carries (Linux semantics: Ethernet header not included).</summary>
    public int Mtu { get; set; } = mtu;
    public List<(Ipv4Address Address, int PrefixLength)> V4 { get; } = [];
    public List<(Ipv6Address Address, int PrefixLength)> V6 { get; } = [];

    public bool HasV4(Ipv4Address address)
    {
        foreach (var (a, _) in V4)
            if (a == address) return true;
        return false;
    }

    public bool HasV6(Ipv6Address address)
    {
        foreach (var (a, _) in V6)
            if (a == address) return true;
        return false;
    }

    /// <summary>True for the directed broadcast address of one of this interface's IPv4 prefixes (not /31, /32).</summary>
    public bool IsDirectedBroadcast(Ipv4Address address)
    {
        foreach (var (a, len) in V4)
            if (len < 31 && a.DirectedBroadcast(len) == address) return true;
        return false;
    }

    /// <summary>True when <paramref name="group"/> is the solicited-node group of one of this interface's addresses.</summary>
    public bool IsSolicitedNodeOfOurs(Ipv6Address group)
    {
        foreach (var (a, _) in V6)
            if (a.SolicitedNode == group) return true;
        return false;
    }
}
