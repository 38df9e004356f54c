namespace NetSim.Protocol.Wire;

/// <summary>Ethernet type / network protocol numbers, as carried in the PI header and the Ethernet header.</summary>
public static class EtherType
{
    public const ushort IPv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort IPv6 = 0x86DD;
}
