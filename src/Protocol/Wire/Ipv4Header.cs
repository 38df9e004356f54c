using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>
/// A view over an IPv4 packet (RFC 791): header fields, options and payload. Nothing is copied.
/// <see cref="Check"/> validates every length before <see cref="Parse"/> is allowed to trust one.
/// </summary>
public readonly ref struct Ipv4Header
{
    /// <summary>Length of a header without options, in bytes.</summary>
    public const int MinLength = 20;
    /// <summary>Max Packet Length: 65535.</summary>
    public const int MaxPacketLength = 65535;
    /// <summary>Flag Dont Fragment: 0x4000.</summary>
    public const ushort FlagDontFragment = 0x4000;
    /// <summary>Flag More Fragments: 0x2000.</summary>
    public const ushort FlagMoreFragments = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    private readonly ReadOnlySpan<byte> _bytes;

    private Ipv4Header(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>
    /// True when <paramref name="packet"/> holds a whole IPv4 packet: version 4, IHL at least 5, the header within
    /// the buffer, and a total length covering the header and within the buffer (trailing link padding is allowed).
    /// The checksum is not verified here: see <see cref="IsChecksumValid"/>.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < MinLength) return false;
        if (packet[0] >> 4 != 4) return false;
        int headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < MinLength || headerLength > packet.Length) return false;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        return totalLength >= headerLength && totalLength <= packet.Length;
    }

    /// <summary>A view trimmed to the total length; call <see cref="Check"/> first.</summary>
    public static Ipv4Header Parse(ReadOnlySpan<byte> packet) =>
        new(packet[..BinaryPrimitives.ReadUInt16BigEndian(packet[2..])]);

    /// <summary>The packet bytes this view covers (header and payload, link padding excluded).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The version field.</summary>
    public int Version => _bytes[0] >> 4;
    /// <summary>Header length in bytes (IHL * 4), options included.</summary>
    public int HeaderLength => (_bytes[0] & 0x0F) * 4;
    /// <summary>The options length field.</summary>
    public int OptionsLength => HeaderLength - MinLength;
    /// <summary>The options field.</summary>
    public ReadOnlySpan<byte> Options => _bytes[MinLength..HeaderLength];
    /// <summary>The type of service field.</summary>
    public byte TypeOfService => _bytes[1];
    /// <summary>The total length field.</summary>
    public int TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    /// <summary>The identification field.</summary>
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
    private ushort FlagsAndOffset => BinaryPrimitives.ReadUInt16BigEndian(_bytes[6..]);
    /// <summary>The dont fragment field.</summary>
    public bool DontFragment => (FlagsAndOffset & FlagDontFragment) != 0;
    /// <summary>The more fragments field.</summary>
    public bool MoreFragments => (FlagsAndOffset & FlagMoreFragments) != 0;
    /// <summary>Fragment offset in bytes (the field counts 8-byte units).</summary>
    public int FragmentOffset => (FlagsAndOffset & FragmentOffsetMask) * 8;
    /// <summary>True when this packet is one fragment of a larger datagram.</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;
    /// <summary>The ttl field.</summary>
    public byte Ttl => _bytes[8];
    /// <summary>The protocol field.</summary>
    public byte Protocol => _bytes[9];
    /// <summary>The checksum field as sent.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes[10..]);
    /// <summary>The source address.</summary>
    public Ipv4Address Source => Ipv4Address.Read(_bytes[12..]);
    /// <summary>The destination address.</summary>
    public Ipv4Address Destination => Ipv4Address.Read(_bytes[16..]);
    /// <summary>The header field.</summary>
    public ReadOnlySpan<byte> Header => _bytes[..HeaderLength];
    /// <summary>What follows the header.</summary>
    public ReadOnlySpan<byte> Payload => _bytes[HeaderLength..];

    /// <summary>True when the header checksum sums to zero.</summary>
    public bool IsChecksumValid => InternetChecksum.Compute(Header) == 0;

    /// <summary>
    /// Writes a 20-byte header (no options) with its checksum into <paramref name="destination"/>.
    /// <paramref name="payloadLength"/> is the length of what follows the header.
    /// </summary>
    public static void Emit(Span<byte> destination, Ipv4Address source, Ipv4Address dest, byte protocol, int payloadLength,
        byte ttl, ushort identification, bool dontFragment = false, bool moreFragments = false, int fragmentOffset = 0,
        byte typeOfService = 0)
    {
        int total = MinLength + payloadLength;
        if (total > MaxPacketLength) throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, "IPv4 packet over 65535 bytes");
        if ((fragmentOffset & 7) != 0) throw new ArgumentOutOfRangeException(nameof(fragmentOffset), fragmentOffset, "fragment offset must be a multiple of 8");
        destination[0] = 0x45;
        destination[1] = typeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)total);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], identification);
        ushort flags = (ushort)((fragmentOffset / 8) | (dontFragment ? FlagDontFragment : 0) | (moreFragments ? FlagMoreFragments : 0));
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], flags);
        destination[8] = ttl;
        destination[9] = protocol;
        destination[10] = 0;
        destination[11] = 0;
        source.Write(destination[12..]);
        dest.Write(destination[16..]);
        FillChecksum(destination);
    }

    /// <summary>Recomputes the header checksum of a header already in <paramref name="packet"/> (IHL honoured).</summary>
    public static void FillChecksum(Span<byte> packet)
    {
        int headerLength = (packet[0] & 0x0F) * 4;
        packet[10] = 0;
        packet[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], InternetChecksum.Compute(packet[..headerLength]));
    }

    /// <summary>Sets the TTL of a header in place; call <see cref="FillChecksum"/> after the last change.</summary>
    public static void SetTtl(Span<byte> packet, byte ttl) => packet[8] = ttl;

    /// <summary>Sets total length, fragment fields and (through <see cref="FillChecksum"/>) the checksum in place.</summary>
    public static void SetLengthAndFragment(Span<byte> packet, int totalLength, bool dontFragment, bool moreFragments, int fragmentOffset)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)totalLength);
        ushort flags = (ushort)((fragmentOffset / 8) | (dontFragment ? FlagDontFragment : 0) | (moreFragments ? FlagMoreFragments : 0));
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], flags);
        FillChecksum(packet);
    }
}
