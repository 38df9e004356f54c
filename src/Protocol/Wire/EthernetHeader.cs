using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>
/// The 14-byte Ethernet II header (destination MAC, source MAC, ethertype) that TAP frames carry.
/// A view over bytes: nothing is copied.
/// </summary>
public readonly ref struct EthernetHeader
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 14;
    private readonly ReadOnlySpan<byte> _bytes;

    private EthernetHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when <paramref name="frame"/> is long enough to hold the header.</summary>
    public static bool Check(ReadOnlySpan<byte> frame) => frame.Length >= Length;

    /// <summary>A view over the first 14 bytes; call <see cref="Check"/> first.</summary>
    public static EthernetHeader Parse(ReadOnlySpan<byte> frame) => new(frame[..Length]);

    /// <summary>The destination address.</summary>
    public MacAddress Destination => MacAddress.Read(_bytes);
    /// <summary>The source address.</summary>
    public MacAddress Source => MacAddress.Read(_bytes[6..]);
    /// <summary>The ether type field.</summary>
    public ushort EtherType => BinaryPrimitives.ReadUInt16BigEndian(_bytes[12..]);

    /// <summary>Writes a header into the first 14 bytes of <paramref name="destination"/>.</summary>
    public static void Emit(Span<byte> destination, MacAddress dst, MacAddress src, ushort etherType)
    {
        dst.Write(destination);
        src.Write(destination[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], etherType);
    }
}
