using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetSim.Protocol.Wire;

/// <summary>An IPv4 address held as a host-order uint (10.0.0.1 is 0x0A000001): free to copy, compare and hash.</summary>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 4;
    /// <summary>The any address.</summary>
    public static readonly Ipv4Address Any = new(0);
    /// <summary>The broadcast address.</summary>
    public static readonly Ipv4Address Broadcast = new(0xFFFF_FFFFu);

    /// <summary>A ipv4 address.</summary>
    public Ipv4Address(byte a, byte b, byte c, byte d) : this(((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d) { }

    /// <summary>Reads 4 bytes, network order.</summary>
    public static Ipv4Address Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt32BigEndian(bytes));

    /// <summary>Writes 4 bytes, network order.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    /// <summary>True for the unspecified address.</summary>
    public bool IsUnspecified => Value == 0;
    /// <summary>True for the broadcast address.</summary>
    public bool IsBroadcast => Value == 0xFFFF_FFFFu;
    /// <summary>224.0.0.0/4.</summary>
    public bool IsMulticast => (Value & 0xF000_0000u) == 0xE000_0000u;
    /// <summary>127.0.0.0/8.</summary>
    public bool IsLoopback => (Value >> 24) == 127;

    /// <summary>The netmask of a prefix length 0..32 as a uint (24 gives 0xFFFFFF00).</summary>
    public static uint MaskBits(int prefixLength)
    {
        if ((uint)prefixLength > 32) throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "IPv4 prefix length is 0..32");
        return prefixLength == 0 ? 0u : 0xFFFF_FFFFu << (32 - prefixLength);
    }

    /// <summary>This address with the host bits cleared.</summary>
    public Ipv4Address Network(int prefixLength) => new(Value & MaskBits(prefixLength));

    /// <summary>The directed broadcast address of this address's prefix (host bits set).</summary>
    public Ipv4Address DirectedBroadcast(int prefixLength) => new(Value | ~MaskBits(prefixLength));

    /// <summary>True when the first <paramref name="prefixLength"/> bits equal those of <paramref name="prefix"/>.</summary>
    public bool IsInPrefix(Ipv4Address prefix, int prefixLength)
    {
        var mask = MaskBits(prefixLength);
        return (Value & mask) == (prefix.Value & mask);
    }

    /// <summary>The Ethernet multicast address of an IPv4 multicast group (01:00:5e + low 23 bits, RFC 1112).</summary>
    public MacAddress MulticastMac => new(0x0100_5E00_0000UL | (Value & 0x007F_FFFFu));

    /// <inheritdoc />
    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    /// <summary>Parses dotted-quad text, four decimal parts 0..255.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address address)
    {
        address = Any;
        uint value = 0;
        int parts = 0;
        while (true)
        {
            int dot = text.IndexOf('.');
            var part = dot < 0 ? text : text[..dot];
            if (part.Length is 0 or > 3 || !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b > 255)
                return false;
            value = (value << 8) | b;
            parts++;
            if (dot < 0) break;
            if (parts == 4) return false;
            text = text[(dot + 1)..];
        }
        if (parts != 4) return false;
        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>Parses the text form; false when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Address address)
    {
        address = Any;
        return text is not null && TryParse(text.AsSpan(), out address);
    }

    /// <summary>Parses the text form; throws FormatException when it is not one.</summary>
    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IPv4 address (a.b.c.d)");

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}");
}
