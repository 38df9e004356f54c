using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>A view over a UDP datagram (RFC 768): 8-byte header and payload. Nothing is copied.</summary>
public readonly ref struct UdpHeader
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 8;
    private readonly ReadOnlySpan<byte> _bytes;

    private UdpHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when the header fits and its length field covers the header and lies within the buffer.</summary>
    public static bool Check(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < Length) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]);
        return length >= Length && length <= datagram.Length;
    }

    /// <summary>A view trimmed to the length field; call <see cref="Check"/> first.</summary>
    public static UdpHeader Parse(ReadOnlySpan<byte> datagram) => new(datagram[..BinaryPrimitives.ReadUInt16BigEndian(datagram[4..])]);

    /// <summary>The bytes this view reads.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The source port field.</summary>
    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes);
    /// <summary>The destination port field.</summary>
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    /// <summary>The total length field.</summary>
    public int TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
    /// <summary>The checksum field as sent.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes[6..]);
    /// <summary>What follows the header.</summary>
    public ReadOnlySpan<byte> Payload => _bytes[Length..];

    /// <summary>True when the checksum verifies against the IPv4 pseudo-header, or is 0 (none sent, RFC 768).</summary>
    public bool IsChecksumValidV4(Ipv4Address source, Ipv4Address destination) =>
        Checksum == 0 || InternetChecksum.Finish(InternetChecksum.Add(
            InternetChecksum.PseudoHeaderV4(source, destination, IpProtocol.Udp, _bytes.Length), _bytes)) == 0;

    /// <summary>True when the checksum verifies against the IPv6 pseudo-header; 0 is invalid over IPv6 (RFC 8200 8.1).</summary>
    public bool IsChecksumValidV6(Ipv6Address source, Ipv6Address destination) =>
        Checksum != 0 && InternetChecksum.Finish(InternetChecksum.Add(
            InternetChecksum.PseudoHeaderV6(source, destination, IpProtocol.Udp, _bytes.Length), _bytes)) == 0;

    /// <summary>
    /// Writes header and payload into <paramref name="destination"/> with the checksum seeded by
    /// <paramref name="pseudoHeaderSum"/> (from <see cref="InternetChecksum"/>). Returns the datagram length.
    /// </summary>
    public static int Emit(Span<byte> destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, uint pseudoHeaderSum)
    {
        int length = Length + payload.Length;
        if (length > 65535) throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, "UDP datagram over 65535 bytes");
        BinaryPrimitives.WriteUInt16BigEndian(destination, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)length);
        destination[6] = 0;
        destination[7] = 0;
        payload.CopyTo(destination[Length..]);
        ushort sum = InternetChecksum.Finish(InternetChecksum.Add(pseudoHeaderSum, destination[..length]));
        // A computed 0 is sent as 0xFFFF: 0 means "no checksum" (RFC 768).
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], sum == 0 ? (ushort)0xFFFF : sum);
        return length;
    }

    /// <summary>The checksum sum of the IP pseudo-header, to seed Emit with.</summary>
    public static uint PseudoHeader(Ipv4Address source, Ipv4Address destination, int udpLength) =>
        InternetChecksum.PseudoHeaderV4(source, destination, IpProtocol.Udp, udpLength);

    /// <summary>The checksum sum of the IP pseudo-header, to seed Emit with.</summary>
    public static uint PseudoHeader(Ipv6Address source, Ipv6Address destination, int udpLength) =>
        InternetChecksum.PseudoHeaderV6(source, destination, IpProtocol.Udp, udpLength);
}
