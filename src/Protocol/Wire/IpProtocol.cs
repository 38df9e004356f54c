namespace NetSim.Protocol.Wire;

/// <summary>IP protocol / IPv6 next-header numbers (IANA).</summary>
public static class IpProtocol
{
    public const byte HopByHop = 0;
    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Ipv6Fragment = 44;
    public const byte IcmpV6 = 58;
    public const byte NoNextHeader = 59;
}
