using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>
/// A view over an IPv6 packet (RFC 8200): the fixed 40-byte header and its payload. Nothing is copied.
/// </summary>
public readonly ref struct Ipv6Header
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 40;
    /// <summary>The minimum link MTU every IPv6 link must carry (RFC 8200 5).</summary>
    public const int MinimumMtu = 1280;

    private readonly ReadOnlySpan<byte> _bytes;

    private Ipv6Header(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when <paramref name="packet"/> holds version 6, a whole header, and the whole payload length.</summary>
    public static bool Check(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Length) return false;
        if (packet[0] >> 4 != 6) return false;
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        return Length + payloadLength <= packet.Length;
    }

    /// <summary>A view trimmed to header plus payload length; call <see cref="Check"/> first.</summary>
    public static Ipv6Header Parse(ReadOnlySpan<byte> packet) =>
        new(packet[..(Length + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]))]);

    /// <summary>The bytes this view reads.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The version field.</summary>
    public int Version => _bytes[0] >> 4;
    /// <summary>The traffic class field.</summary>
    public byte TrafficClass => (byte)((BinaryPrimitives.ReadUInt16BigEndian(_bytes) >> 4) & 0xFF);
    /// <summary>The flow label field.</summary>
    public uint FlowLabel => BinaryPrimitives.ReadUInt32BigEndian(_bytes) & 0xF_FFFF;
    /// <summary>The payload length field.</summary>
    public int PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
    /// <summary>The next header field.</summary>
    public byte NextHeader => _bytes[6];
    /// <summary>The hop limit field.</summary>
    public byte HopLimit => _bytes[7];
    /// <summary>The source address.</summary>
    public Ipv6Address Source => Ipv6Address.Read(_bytes[8..]);
    /// <summary>The destination address.</summary>
    public Ipv6Address Destination => Ipv6Address.Read(_bytes[24..]);
    /// <summary>What follows the header.</summary>
    public ReadOnlySpan<byte> Payload => _bytes[Length..];

    /// <summary>Writes the 40-byte header into <paramref name="destination"/>.</summary>
    public static void Emit(Span<byte> destination, Ipv6Address source, Ipv6Address dest, byte nextHeader, int payloadLength,
        byte hopLimit, byte trafficClass = 0, uint flowLabel = 0)
    {
        if ((uint)payloadLength > 65535) throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, "IPv6 payload over 65535 bytes (jumbograms are not supported)");
        BinaryPrimitives.WriteUInt32BigEndian(destination, (6u << 28) | ((uint)trafficClass << 20) | (flowLabel & 0xF_FFFF));
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)payloadLength);
        destination[6] = nextHeader;
        destination[7] = hopLimit;
        source.Write(destination[8..]);
        dest.Write(destination[24..]);
    }

    /// <summary>Sets the hop limit in place (IPv6 has no header checksum to fix).</summary>
    public static void SetHopLimit(Span<byte> packet, byte hopLimit) => packet[7] = hopLimit;

    /// <summary>Sets payload length and next header in place.</summary>
    public static void SetPayload(Span<byte> packet, byte nextHeader, int payloadLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)payloadLength);
        packet[6] = nextHeader;
    }
}

/// <summary>A view over the 8-byte IPv6 Fragment extension header (RFC 8200 4.5).</summary>
public readonly ref struct Ipv6FragmentHeader
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 8;
    private readonly ReadOnlySpan<byte> _bytes;

    private Ipv6FragmentHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when the buffer holds the 8 bytes of the header.</summary>
    public static bool Check(ReadOnlySpan<byte> buffer) => buffer.Length >= Length;

    /// <summary>A view over the start of the buffer (call Check first).</summary>
    public static Ipv6FragmentHeader Parse(ReadOnlySpan<byte> buffer) => new(buffer[..Length]);

    /// <summary>The next header field.</summary>
    public byte NextHeader => _bytes[0];
    /// <summary>Offset of the fragment in bytes.</summary>
    public int FragmentOffset => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]) & 0xFFF8;
    /// <summary>The more fragments field.</summary>
    public bool MoreFragments => (_bytes[3] & 1) != 0;
    /// <summary>The identification field.</summary>
    public uint Identification => BinaryPrimitives.ReadUInt32BigEndian(_bytes[4..]);

    /// <summary>Writes the header into destination.</summary>
    public static void Emit(Span<byte> destination, byte nextHeader, int fragmentOffset, bool moreFragments, uint identification)
    {
        if ((fragmentOffset & 7) != 0) throw new ArgumentOutOfRangeException(nameof(fragmentOffset), fragmentOffset, "fragment offset must be a multiple of 8");
        destination[0] = nextHeader;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(fragmentOffset | (moreFragments ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], identification);
    }
}
