using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>ICMPv6 message types this simulator speaks (RFC 4443, RFC 4861).</summary>
public static class IcmpV6Type
{
    /// <summary>Destination Unreachable: 1.</summary>
    public const byte DestinationUnreachable = 1;
    /// <summary>Packet Too Big: 2.</summary>
    public const byte PacketTooBig = 2;
    /// <summary>Time Exceeded: 3.</summary>
    public const byte TimeExceeded = 3;
    /// <summary>Parameter Problem: 4.</summary>
    public const byte ParameterProblem = 4;
    /// <summary>Echo Request: 128.</summary>
    public const byte EchoRequest = 128;
    /// <summary>Echo Reply: 129.</summary>
    public const byte EchoReply = 129;
    /// <summary>Router Solicitation: 133.</summary>
    public const byte RouterSolicitation = 133;
    /// <summary>Router Advertisement: 134.</summary>
    public const byte RouterAdvertisement = 134;
    /// <summary>Neighbor Solicitation: 135.</summary>
    public const byte NeighborSolicitation = 135;
    /// <summary>Neighbor Advertisement: 136.</summary>
    public const byte NeighborAdvertisement = 136;
}

/// <summary>ICMPv6 Destination Unreachable codes (RFC 4443 3.1).</summary>
public static class IcmpV6UnreachableCode
{
    /// <summary>No Route: 0.</summary>
    public const byte NoRoute = 0;
    /// <summary>Administratively Prohibited: 1.</summary>
    public const byte AdministrativelyProhibited = 1;
    /// <summary>Beyond Scope: 2.</summary>
    public const byte BeyondScope = 2;
    /// <summary>Address Unreachable: 3.</summary>
    public const byte AddressUnreachable = 3;
    /// <summary>Port Unreachable: 4.</summary>
    public const byte PortUnreachable = 4;
}

/// <summary>ICMPv6 Time Exceeded codes (RFC 4443 3.3).</summary>
public static class IcmpV6TimeExceededCode
{
    /// <summary>Hop Limit Exceeded: 0.</summary>
    public const byte HopLimitExceeded = 0;
    /// <summary>Fragment Reassembly: 1.</summary>
    public const byte FragmentReassembly = 1;
}

/// <summary>ICMPv6 Parameter Problem codes (RFC 4443 3.4).</summary>
public static class IcmpV6ParameterProblemCode
{
    /// <summary>Erroneous Header Field: 0.</summary>
    public const byte ErroneousHeaderField = 0;
    /// <summary>Unrecognized Next Header: 1.</summary>
    public const byte UnrecognizedNextHeader = 1;
}

/// <summary>NDP option types (RFC 4861 4.6).</summary>
public static class NdpOptionType
{
    /// <summary>Source Link Layer Address: 1.</summary>
    public const byte SourceLinkLayerAddress = 1;
    /// <summary>Target Link Layer Address: 2.</summary>
    public const byte TargetLinkLayerAddress = 2;
}

/// <summary>
/// A view over an ICMPv6 message (RFC 4443), including Neighbor Solicitation and Advertisement (RFC 4861).
/// The checksum covers the IPv6 pseudo-header, so verifying it needs the addresses.
/// </summary>
public readonly ref struct IcmpV6
{
    /// <summary>Length of the fixed header in bytes.</summary>
    public const int HeaderLength = 8;
    /// <summary>NS/NA: 8-byte header (with flags/reserved) plus the 16-byte target address.</summary>
    public const int NeighborMessageLength = HeaderLength + Ipv6Address.Length;
    /// <summary>Na Flag Router: 0x80.</summary>
    public const byte NaFlagRouter = 0x80;
    /// <summary>Na Flag Solicited: 0x40.</summary>
    public const byte NaFlagSolicited = 0x40;
    /// <summary>Na Flag Override: 0x20.</summary>
    public const byte NaFlagOverride = 0x20;

    private readonly ReadOnlySpan<byte> _bytes;

    private IcmpV6(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>
    /// True when the message is long enough for its type: 8 bytes; errors must quote a whole IPv6 header;
    /// NS/NA must hold the target and a well-formed option list (no zero-length option, none past the end).
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength) return false;
        switch (message[0])
        {
            case IcmpV6Type.DestinationUnreachable or IcmpV6Type.PacketTooBig or IcmpV6Type.TimeExceeded or IcmpV6Type.ParameterProblem:
                return message.Length >= HeaderLength + Ipv6Header.Length;
            case IcmpV6Type.NeighborSolicitation or IcmpV6Type.NeighborAdvertisement:
                return message.Length >= NeighborMessageLength && CheckOptions(message[NeighborMessageLength..]);
            default:
                return true;
        }
    }

    /// <summary>True when every NDP option has a non-zero length that stays within <paramref name="options"/>.</summary>
    public static bool CheckOptions(ReadOnlySpan<byte> options)
    {
        while (!options.IsEmpty)
        {
            if (options.Length < 2) return false;
            int length = options[1] * 8;
            if (length == 0 || length > options.Length) return false;
            options = options[length..];
        }
        return true;
    }

    /// <summary>A view over the start of the buffer (call Check first).</summary>
    public static IcmpV6 Parse(ReadOnlySpan<byte> message) => new(message);

    /// <summary>The bytes this view reads.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The message type.</summary>
    public byte Type => _bytes[0];
    /// <summary>The message code.</summary>
    public byte Code => _bytes[1];
    /// <summary>The checksum field as sent.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    /// <summary>The identifier field (echo messages).</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_bytes[4..]);
    /// <summary>The sequence number field (echo messages).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_bytes[6..]);
    /// <summary>The MTU of a Packet Too Big message.</summary>
    public uint Mtu => BinaryPrimitives.ReadUInt32BigEndian(_bytes[4..]);
    /// <summary>Echo data, or the invoking packet of an error message.</summary>
    public ReadOnlySpan<byte> Data => _bytes[HeaderLength..];
    /// <summary>True for an error message (it quotes the packet that caused it).</summary>
    public bool IsError => Type < 128;
    /// <summary>NA flags byte (R, S, O in the top bits).</summary>
    public byte NeighborAdvertisementFlags => _bytes[4];
    /// <summary>The target address of an NS or NA.</summary>
    public Ipv6Address TargetAddress => Ipv6Address.Read(_bytes[HeaderLength..]);
    /// <summary>The option list of an NS or NA.</summary>
    public ReadOnlySpan<byte> NdpOptions => _bytes[NeighborMessageLength..];

    /// <summary>Finds an Ethernet link-layer address option of the given type in a checked NS/NA option list.</summary>
    public bool TryGetLinkLayerAddress(byte optionType, out MacAddress mac)
    {
        var options = NdpOptions;
        while (options.Length >= 2)
        {
            int length = options[1] * 8;
            if (length == 0 || length > options.Length) break;
            if (options[0] == optionType && length >= 2 + MacAddress.Length)
            {
                mac = MacAddress.Read(options[2..]);
                return true;
            }
            options = options[length..];
        }
        mac = MacAddress.Zero;
        return false;
    }

    /// <summary>True when the checksum verifies against the pseudo-header of <paramref name="source"/>/<paramref name="destination"/>.</summary>
    public bool IsChecksumValid(Ipv6Address source, Ipv6Address destination) =>
        InternetChecksum.Finish(InternetChecksum.Add(
            InternetChecksum.PseudoHeaderV6(source, destination, IpProtocol.IcmpV6, _bytes.Length), _bytes)) == 0;

    /// <summary>Writes an echo request or reply with its checksum; returns the message length.</summary>
    public static int EmitEcho(Span<byte> destination, byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> data,
        Ipv6Address source, Ipv6Address dest)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], sequence);
        data.CopyTo(destination[HeaderLength..]);
        return Finish(destination, type, 0, HeaderLength + data.Length, source, dest);
    }

    /// <summary>
    /// Writes an error message; <paramref name="parameter"/> is the 32-bit word after the checksum (MTU for Packet
    /// Too Big, pointer for Parameter Problem, 0 otherwise). <paramref name="invokingPacket"/> is already cut.
    /// </summary>
    public static int EmitError(Span<byte> destination, byte type, byte code, uint parameter, ReadOnlySpan<byte> invokingPacket,
        Ipv6Address source, Ipv6Address dest)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], parameter);
        invokingPacket.CopyTo(destination[HeaderLength..]);
        return Finish(destination, type, code, HeaderLength + invokingPacket.Length, source, dest);
    }

    /// <summary>Writes a Neighbor Solicitation with a Source Link-Layer Address option (omitted when <paramref name="sourceMac"/> is null, as DAD requires).</summary>
    public static int EmitNeighborSolicitation(Span<byte> destination, Ipv6Address target, MacAddress? sourceMac,
        Ipv6Address source, Ipv6Address dest)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], 0);
        target.Write(destination[HeaderLength..]);
        int length = NeighborMessageLength;
        if (sourceMac is { } mac)
            length += EmitLinkLayerOption(destination[length..], NdpOptionType.SourceLinkLayerAddress, mac);
        return Finish(destination, IcmpV6Type.NeighborSolicitation, 0, length, source, dest);
    }

    /// <summary>Writes a Neighbor Advertisement with the given R/S/O flags and a Target Link-Layer Address option.</summary>
    public static int EmitNeighborAdvertisement(Span<byte> destination, byte flags, Ipv6Address target, MacAddress targetMac,
        Ipv6Address source, Ipv6Address dest)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)flags << 24);
        target.Write(destination[HeaderLength..]);
        int length = NeighborMessageLength + EmitLinkLayerOption(destination[NeighborMessageLength..], NdpOptionType.TargetLinkLayerAddress, targetMac);
        return Finish(destination, IcmpV6Type.NeighborAdvertisement, 0, length, source, dest);
    }

    private static int EmitLinkLayerOption(Span<byte> destination, byte optionType, MacAddress mac)
    {
        destination[0] = optionType;
        destination[1] = 1; // one 8-byte unit: type, length, 6-byte MAC
        mac.Write(destination[2..]);
        return 8;
    }

    private static int Finish(Span<byte> destination, byte type, byte code, int length, Ipv6Address source, Ipv6Address dest)
    {
        destination[0] = type;
        destination[1] = code;
        destination[2] = 0;
        destination[3] = 0;
        ushort sum = InternetChecksum.Finish(InternetChecksum.Add(
            InternetChecksum.PseudoHeaderV6(source, dest, IpProtocol.IcmpV6, length), destination[..length]));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sum);
        return length;
    }
}
