using System.Buffers.Binary;
using NetSim.Protocol.Wire;

namespace NetSim.Benchmarks.Measure;

/// <summary>The frames every frame-path measurement writes: a TUN file with packet information (PI) headers.</summary>
public static class Frames
{
    /// <summary>IPv4 packet length (a minimal 20-byte header and 44 bytes of payload).</summary>
    public const int PacketLength = 64;

    /// <summary>What a file writes: PI header + packet.</summary>
    public const int WireLength = PacketInfoHeader.Length + PacketLength;

    /// <summary>
    /// Frames in flight at most (written and not yet read back). Below the NIC queue bound of 1024, so the
    /// measured path never drops; also the size of the buffer ring (a buffer is reused only after it was read).
    /// </summary>
    public const int Window = 512;

    /// <summary>A fresh PI + IPv4 frame, in its own array.</summary>
    public static byte[] NewFrame(int seq = 0)
    {
        var b = new byte[WireLength];
        PacketInfoHeader.Emit(b, EtherType.IPv4);
        var ip = b.AsSpan(PacketInfoHeader.Length);
        ip[0] = 0x45;                                              // IPv4, IHL 5
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], PacketLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)seq);
        ip[8] = 64;                                                // TTL
        ip[9] = 17;                                                // UDP
        ip[12] = 10; ip[15] = 1;                                   // 10.0.0.1
        ip[16] = 10; ip[19] = 2;                                   // 10.0.0.2
        return b;
    }

    /// <summary><see cref="Window"/> distinct frames, reused round-robin by the pumps.</summary>
    /// <summary>
    /// A frame a router host forwards: 10.0.0.1 -> 10.1.0.2 (routed from tunA to tunB), UDP, with a valid IPv4 header
    /// checksum (the stack verifies it) and TTL 64 (the router decrements it).
    /// </summary>
    public static byte[] NewRoutedFrame(int seq = 0)
    {
        var b = NewFrame(seq);
        var ip = b.AsSpan(PacketInfoHeader.Length);
        ip[17] = 1;                                                // 10.1.0.2
        Ipv4Header.FillChecksum(ip);
        return b;
    }

    /// <summary><see cref="Window"/> distinct frames, reused round-robin so the pump allocates nothing per frame.</summary>
    public static ReadOnlyMemory<byte>[] Ring(bool routed = false)
    {
        var ring = new ReadOnlyMemory<byte>[Window];
        for (var i = 0; i < ring.Length; i++) ring[i] = routed ? NewRoutedFrame(i) : NewFrame(i);
        return ring;
    }
}
