using NetSim.Protocol.Wire;

namespace NetSim.Protocol;

/// <summary>
/// What Linux accepts for a tun/tap NIC's MTU and MAC (drivers/net/tun.c, net/core/dev.c, net/ethernet/eth.c), in one
/// place for creating a NIC and for changing it later (<c>ip link set</c>).
/// </summary>
public static class LinkLimits
{
    /// <summary>Smallest MTU (tun.c MIN_MTU, the IPv4 minimum).</summary>
    public const int MinMtu = 68;

    /// <summary>Largest MTU of a TUN NIC (tun.c MAX_MTU); a TAP's is 14 less (its Ethernet header).</summary>
    public const int MaxMtu = 65535;

    /// <summary>The largest MTU of a NIC of this kind: MAX_MTU minus the link header (dev->max_mtu in tun_set_iff).</summary>
    public static int MaxMtuFor(bool isTap) => isTap ? MaxMtu - EthernetHeader.Length : MaxMtu;

    /// <summary>EINVAL for an MTU outside <see cref="MinMtu"/>..<see cref="MaxMtuFor"/> (dev_validate_mtu), else <see cref="Errno.None"/>.</summary>
    public static Errno CheckMtu(int mtu, bool isTap) => mtu < MinMtu || mtu > MaxMtuFor(isTap) ? Errno.EINVAL : Errno.None;

    /// <summary>
    /// EOPNOTSUPP for a TUN NIC (it has no link-layer address: no ndo_set_mac_address), EADDRNOTAVAIL for a multicast
    /// or all-zero MAC (is_valid_ether_addr), else <see cref="Errno.None"/>.
    /// </summary>
    public static Errno CheckMac(MacAddress mac, bool isTap) =>
        !isTap ? Errno.EOPNOTSUPP : mac.IsMulticast || mac == MacAddress.Zero ? Errno.EADDRNOTAVAIL : Errno.None;
}
