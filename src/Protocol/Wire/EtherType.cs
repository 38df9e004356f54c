namespace NetSim.Protocol.Wire;

/// <summary>Ethernet type / network protocol numbers, as carried in the PI header and the Ethernet header.</summary>
public static class EtherType
{
    /// <summary>I Pv4: 0x0800.</summary>
    public const ushort IPv4 = 0x0800;
    /// <summary>Arp: 0x0806.</summary>
    public const ushort Arp = 0x0806;
    /// <summary>I Pv6: 0x86DD.</summary>
    public const ushort IPv6 = 0x86DD;
}
