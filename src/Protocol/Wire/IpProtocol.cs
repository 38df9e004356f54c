namespace NetSim.Protocol.Wire;

/// <summary>IP protocol / IPv6 next-header numbers (IANA).</summary>
public static class IpProtocol
{
    /// <summary>Hop By Hop: 0.</summary>
    public const byte HopByHop = 0;
    /// <summary>Icmp: 1.</summary>
    public const byte Icmp = 1;
    /// <summary>Tcp: 6.</summary>
    public const byte Tcp = 6;
    /// <summary>Udp: 17.</summary>
    public const byte Udp = 17;
    /// <summary>Ipv6 Fragment: 44.</summary>
    public const byte Ipv6Fragment = 44;
    /// <summary>Icmp V6: 58.</summary>
    public const byte IcmpV6 = 58;
    /// <summary>No Next Header: 59.</summary>
    public const byte NoNextHeader = 59;
}
