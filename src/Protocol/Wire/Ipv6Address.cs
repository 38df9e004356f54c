using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace NetSim.Protocol.Wire;

/// <summary>
/// An IPv6 address held as two host-order ulongs (<see cref="High"/> holds bytes 0..7): free to copy, compare, hash.
/// </summary>
public readonly record struct Ipv6Address(ulong High, ulong Low)
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 16;
    /// <summary>The unspecified address.</summary>
    public static readonly Ipv6Address Unspecified = new(0, 0);
    /// <summary>The loopback address.</summary>
    public static readonly Ipv6Address Loopback = new(0, 1);
    /// <summary>ff02::1, every node on the link.</summary>
    public static readonly Ipv6Address AllNodes = new(0xFF02_0000_0000_0000UL, 1);
    /// <summary>ff02::2, every router on the link.</summary>
    public static readonly Ipv6Address AllRouters = new(0xFF02_0000_0000_0000UL, 2);

    /// <summary>Reads 16 bytes, network order.</summary>
    public static Ipv6Address Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    /// <summary>Writes 16 bytes, network order.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <summary>True for the unspecified address.</summary>
    public bool IsUnspecified => High == 0 && Low == 0;
    /// <summary>True for the loopback address.</summary>
    public bool IsLoopback => High == 0 && Low == 1;
    /// <summary>ff00::/8.</summary>
    public bool IsMulticast => (High >> 56) == 0xFF;
    /// <summary>fe80::/10.</summary>
    public bool IsLinkLocal => (High >> 54) == (0xFE80UL >> 6);
    /// <summary>A multicast address whose scope is link-local or narrower (ff01::/16, ff02::/16): never forwarded.</summary>
    public bool IsLinkScopeMulticast => IsMulticast && ((High >> 48) & 0xF) <= 2;

    /// <summary>The solicited-node multicast group of this address (ff02::1:ffXX:XXXX, RFC 4291 2.7.1).</summary>
    public Ipv6Address SolicitedNode => new(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL | (Low & 0x00FF_FFFFUL));

    /// <summary>True for ff02::1:ff00:0/104 addresses.</summary>
    public bool IsSolicitedNode => High == 0xFF02_0000_0000_0000UL && (Low & 0xFFFF_FFFF_FF00_0000UL) == 0x0000_0001_FF00_0000UL;

    /// <summary>The Ethernet multicast address of an IPv6 multicast group (33:33 + low 32 bits, RFC 2464 7).</summary>
    public MacAddress MulticastMac => new(0x3333_0000_0000UL | (Low & 0xFFFF_FFFFUL));

    /// <summary>The fe80::/64 address with a modified EUI-64 interface identifier from a MAC (RFC 4291 appendix A).</summary>
    public static Ipv6Address LinkLocalFromMac(MacAddress mac)
    {
        ulong m = mac.Value;
        ulong iid = ((m >> 24) << 40) | (0xFFFEUL << 24) | (m & 0xFF_FFFFUL);
        iid ^= 0x0200_0000_0000_0000UL;
        return new Ipv6Address(0xFE80_0000_0000_0000UL, iid);
    }

    /// <summary>This address with all but the first <paramref name="prefixLength"/> bits cleared.</summary>
    public Ipv6Address Network(int prefixLength)
    {
        var (h, l) = MaskBits(prefixLength);
        return new Ipv6Address(High & h, Low & l);
    }

    /// <summary>True when the first <paramref name="prefixLength"/> bits equal those of <paramref name="prefix"/>.</summary>
    public bool IsInPrefix(Ipv6Address prefix, int prefixLength)
    {
        var (h, l) = MaskBits(prefixLength);
        return (High & h) == (prefix.High & h) && (Low & l) == (prefix.Low & l);
    }

    /// <summary>The netmask of a prefix length 0..128 as (high, low) halves.</summary>
    public static (ulong High, ulong Low) MaskBits(int prefixLength)
    {
        if ((uint)prefixLength > 128) throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "IPv6 prefix length is 0..128");
        if (prefixLength == 0) return (0, 0);
        if (prefixLength <= 64) return (ulong.MaxValue << (64 - prefixLength), 0);
        if (prefixLength == 128) return (ulong.MaxValue, ulong.MaxValue);
        return (ulong.MaxValue, ulong.MaxValue << (128 - prefixLength));
    }

    /// <summary>Parses RFC 4291 text ("2001:db8::1", "::ffff:10.0.0.1"); zone indices are rejected.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv6Address address)
    {
        address = Unspecified;
        if (text is null || text.Contains('%')) return false;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        Span<byte> b = stackalloc byte[16];
        if (!ip.TryWriteBytes(b, out _)) return false;
        address = Read(b);
        return true;
    }

    /// <summary>Parses the text form; throws FormatException when it is not one.</summary>
    public static Ipv6Address Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IPv6 address");

    /// <summary>RFC 5952 canonical text (lower case, longest zero run compressed).</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[16];
        Write(b);
        return new IPAddress(b).ToString();
    }
}
