namespace NetSim.Protocol;

/// <summary>
/// The ifr_flags of TUNSETIFF / TUNGETIFF, with Linux's values (include/uapi/linux/if_tun.h).
/// </summary>
[Flags]
public enum TunFlags : ushort
{
    None = 0,
    /// <summary>IFF_TUN: a layer-3 device that carries IP packets.</summary>
    Tun = 0x0001,
    /// <summary>IFF_TAP: a layer-2 device that carries Ethernet frames.</summary>
    Tap = 0x0002,
    /// <summary>IFF_PERSIST: the NIC outlives its files (TUNSETPERSIST, or made by <c>ip tuntap add</c>); TUNGETIFF reports it, TUNSETIFF does not accept it.</summary>
    Persist = 0x0800,
    /// <summary>IFF_NO_PI: no 4-byte packet information header on reads and writes.</summary>
    NoPacketInfo = 0x1000,
    /// <summary>IFF_NOFILTER: TUNGETIFF reports it when no socket filter is set. Same bit as IFF_NO_PI (Linux's choice).</summary>
    NoFilter = 0x1000,
    /// <summary>IFF_ONE_QUEUE: accepted and ignored, as Linux does since 3.8.</summary>
    OneQueue = 0x2000,
    /// <summary>IFF_TUN_EXCL: fail with EEXIST rather than join an existing NIC of that name.</summary>
    TunExclusive = 0x8000,
}

/// <summary>Validation of <see cref="TunFlags"/>.</summary>
public static class TunFlagsExtensions
{
    /// <summary>Every bit TUNSETIFF accepts.</summary>
    public const TunFlags Known = TunFlags.Tun | TunFlags.Tap | TunFlags.NoPacketInfo | TunFlags.OneQueue | TunFlags.TunExclusive;

    /// <summary>True when exactly one of TUN and TAP is set and no unknown bit is.</summary>
    public static bool IsValidForAttach(this TunFlags flags)
    {
        if ((flags & ~Known) != 0) return false;
        bool tun = (flags & TunFlags.Tun) != 0, tap = (flags & TunFlags.Tap) != 0;
        return tun ^ tap;
    }

    public static bool IsTap(this TunFlags flags) => (flags & TunFlags.Tap) != 0;

    public static bool HasPacketInfo(this TunFlags flags) => (flags & TunFlags.NoPacketInfo) == 0;
}
