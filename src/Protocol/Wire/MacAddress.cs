using System.Buffers.Binary;
using System.Globalization;

namespace NetSim.Protocol.Wire;

/// <summary>A 48-bit Ethernet address held in the low bits of a ulong: a value type, free to copy and compare.</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 6;
    /// <summary>The zero address.</summary>
    public static readonly MacAddress Zero = new(0);
    /// <summary>The broadcast address.</summary>
    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFFUL);

    /// <summary>Reads 6 bytes, network order.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> bytes) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]));

    /// <summary>Writes 6 bytes, network order.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)Value);
    }

    /// <summary>True for the broadcast address.</summary>
    public bool IsBroadcast => Value == Broadcast.Value;
    /// <summary>The I/G bit: group (multicast or broadcast) address.</summary>
    public bool IsMulticast => ((Value >> 40) & 0x01) != 0;
    /// <summary>The U/L bit: locally administered.</summary>
    public bool IsLocallyAdministered => ((Value >> 40) & 0x02) != 0;

    /// <summary>
    /// A unicast, locally-administered address (02:xx:..) from 46 bits of <paramref name="seed"/>.
    /// Used for TAP NICs created without a MAC (gVisor's all-zero MAC is a known bug).
    /// </summary>
    public static MacAddress LocallyAdministered(ulong seed) =>
        new(((seed & 0xFCFF_FFFF_FFFFUL) | 0x0200_0000_0000UL) & 0xFFFF_FFFF_FFFFUL);

    /// <summary>Parses "aa:bb:cc:dd:ee:ff" (or with '-').</summary>
    public static bool TryParse(string text, out MacAddress mac)
    {
        mac = Zero;
        var parts = text.Split(':', '-');
        if (parts.Length != 6) return false;
        ulong v = 0;
        foreach (var p in parts)
        {
            if (p.Length != 2 || !byte.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b)) return false;
            v = (v << 8) | b;
        }
        mac = new MacAddress(v);
        return true;
    }

    /// <summary>Parses the text form; throws FormatException when it is not one.</summary>
    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (aa:bb:cc:dd:ee:ff)");

    /// <inheritdoc />
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        Write(b);
        return $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}";
    }
}
