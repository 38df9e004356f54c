using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>
/// The 4-byte packet information header a TUN/TAP file carries unless IFF_NO_PI: 2 bytes flags, 2 bytes protocol,
/// both big-endian (struct tun_pi). A view over bytes: nothing is copied.
/// </summary>
public readonly ref struct PacketInfoHeader
{
    public const int Length = 4;
    private readonly ReadOnlySpan<byte> _bytes;

    private PacketInfoHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when <paramref name="buffer"/> is long enough to hold the header.</summary>
    public static bool Check(ReadOnlySpan<byte> buffer) => buffer.Length >= Length;

    /// <summary>A view over the first 4 bytes; call <see cref="Check"/> first.</summary>
    public static PacketInfoHeader Parse(ReadOnlySpan<byte> buffer) => new(buffer[..Length]);

    /// <summary>TUN_PKT_STRIP and friends; ignored on write, as Linux and gVisor do.</summary>
    public ushort Flags => BinaryPrimitives.ReadUInt16BigEndian(_bytes);
    /// <summary>The network protocol (an <see cref="EtherType"/> value).</summary>
    public ushort Protocol => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);

    /// <summary>Writes a header with zero flags and the given protocol.</summary>
    public static void Emit(Span<byte> destination, ushort protocol, ushort flags = 0)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, flags);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], protocol);
    }
}
