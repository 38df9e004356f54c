using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>ICMPv4 message types this simulator speaks (RFC 792).</summary>
public static class IcmpV4Type
{
    /// <summary>Echo Reply: 0.</summary>
    public const byte EchoReply = 0;
    /// <summary>Destination Unreachable: 3.</summary>
    public const byte DestinationUnreachable = 3;
    /// <summary>Echo Request: 8.</summary>
    public const byte EchoRequest = 8;
    /// <summary>Time Exceeded: 11.</summary>
    public const byte TimeExceeded = 11;
    /// <summary>Parameter Problem: 12.</summary>
    public const byte ParameterProblem = 12;
}

/// <summary>ICMPv4 Destination Unreachable codes (RFC 792, RFC 1812).</summary>
public static class IcmpV4UnreachableCode
{
    /// <summary>Network: 0.</summary>
    public const byte Network = 0;
    /// <summary>Host: 1.</summary>
    public const byte Host = 1;
    /// <summary>Protocol: 2.</summary>
    public const byte Protocol = 2;
    /// <summary>Port: 3.</summary>
    public const byte Port = 3;
    /// <summary>Fragmentation needed and DF set; the next-hop MTU is in bytes 6..7 (RFC 1191).</summary>
    public const byte FragmentationNeeded = 4;
}

/// <summary>ICMPv4 Time Exceeded codes.</summary>
public static class IcmpV4TimeExceededCode
{
    /// <summary>Ttl Exceeded: 0.</summary>
    public const byte TtlExceeded = 0;
    /// <summary>Fragment Reassembly: 1.</summary>
    public const byte FragmentReassembly = 1;
}

/// <summary>
/// A view over an ICMPv4 message: type, code, checksum, the 4-byte rest-of-header (echo id/sequence, next-hop
/// MTU) and the data (echo payload, or the invoking packet of an error). Nothing is copied.
/// </summary>
public readonly ref struct IcmpV4
{
    /// <summary>Length of the fixed header in bytes.</summary>
    public const int HeaderLength = 8;
    private readonly ReadOnlySpan<byte> _bytes;

    private IcmpV4(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when the 8-byte header fits. Error messages must also carry an IPv4 header: see <see cref="IsError"/>.</summary>
    public static bool Check(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength) return false;
        byte type = message[0];
        // An error must quote at least the invoking IPv4 header; anything shorter is malformed.
        if (type is IcmpV4Type.DestinationUnreachable or IcmpV4Type.TimeExceeded or IcmpV4Type.ParameterProblem)
            return message.Length >= HeaderLength + Ipv4Header.MinLength;
        return true;
    }

    /// <summary>A view over the start of the buffer (call Check first).</summary>
    public static IcmpV4 Parse(ReadOnlySpan<byte> message) => new(message);

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
    /// <summary>The next-hop MTU of a Fragmentation Needed message (RFC 1191), 0 from old routers.</summary>
    public ushort NextHopMtu => BinaryPrimitives.ReadUInt16BigEndian(_bytes[6..]);
    /// <summary>What follows the 8-byte header.</summary>
    public ReadOnlySpan<byte> Data => _bytes[HeaderLength..];
    /// <summary>True for an error message (it quotes the packet that caused it).</summary>
    public bool IsError => Type is IcmpV4Type.DestinationUnreachable or IcmpV4Type.TimeExceeded or IcmpV4Type.ParameterProblem;
    /// <summary>True when the checksum over the whole message sums to zero.</summary>
    public bool IsChecksumValid => InternetChecksum.Compute(_bytes) == 0;

    /// <summary>Writes an echo request or reply; returns the message length.</summary>
    public static int EmitEcho(Span<byte> destination, byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], sequence);
        return Finish(destination, type, 0, data);
    }

    /// <summary>
    /// Writes an error message quoting <paramref name="invokingPacket"/> (already cut to the length to quote);
    /// <paramref name="restOfHeader"/> is the 32-bit word after the checksum (next-hop MTU in its low 16 bits for
    /// fragmentation needed, 0 otherwise). Returns the message length.
    /// </summary>
    public static int EmitError(Span<byte> destination, byte type, byte code, uint restOfHeader, ReadOnlySpan<byte> invokingPacket)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], restOfHeader);
        return Finish(destination, type, code, invokingPacket);
    }

    private static int Finish(Span<byte> destination, byte type, byte code, ReadOnlySpan<byte> data)
    {
        destination[0] = type;
        destination[1] = code;
        destination[2] = 0;
        destination[3] = 0;
        data.CopyTo(destination[HeaderLength..]);
        int length = HeaderLength + data.Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], InternetChecksum.Compute(destination[..length]));
        return length;
    }
}
