using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetSim.Protocol.Wire;

/// <summary>
/// The 4-byte packet information header a TUN/TAP file carries unless IFF_NO_PI: 2 bytes flags, 2 bytes protocol,
/// both big-endian (struct tun_pi). A view over bytes: nothing is copied.
/// </summary>
public readonly ref struct PacketInfoHeader
{
    /// <summary>Length in bytes.</summary>
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

    /// <summary>
    /// A buffer of <paramref name="length"/> bytes with <see cref="Length"/> spare bytes in front of it, so that a
    /// file reading with packet information can prepend the header in place (<see cref="Prepend"/>) instead of
    /// copying the frame. The stack allocates outbound frames this way.
    /// </summary>
    public static Memory<byte> AllocateWithHeadroom(int length) => new byte[Length + length].AsMemory(Length);

    /// <summary>
    /// The frame with a PI header for <paramref name="protocol"/> in front. Ownership: frames in a NIC's outbound
    /// queue belong to the NIC, and each is read by exactly one file, so when the frame's array has room before it
    /// (see <see cref="AllocateWithHeadroom"/>) the header is written there and nothing is copied; otherwise a new
    /// array is made.
    /// </summary>
    public static ReadOnlyMemory<byte> Prepend(ReadOnlyMemory<byte> frame, ushort protocol)
    {
        if (MemoryMarshal.TryGetArray(frame, out var segment) && segment.Offset >= Length)
        {
            var start = segment.Offset - Length;
            Emit(segment.Array.AsSpan(start, Length), protocol);
            return new ReadOnlyMemory<byte>(segment.Array, start, segment.Count + Length);
        }
        var copy = new byte[Length + frame.Length];
        Emit(copy, protocol);
        frame.Span.CopyTo(copy.AsSpan(Length));
        return copy;
    }
}
