using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NetSim.Protocol.Wire;

/// <summary>TCP control bits (RFC 9293 3.1, RFC 3168 for CWR/ECE), as they sit in byte 13 of the header.</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}

/// <summary>One SACK block (RFC 2018): the peer holds [Left, Right) in sequence space.</summary>
public readonly record struct SackBlock(uint Left, uint Right);

/// <summary>Up to four SACK blocks held inline, so options travel without an allocation.</summary>
[InlineArray(TcpOptionSet.MaxSackBlocks)]
public struct SackBlocks
{
    private SackBlock _first;
}

/// <summary>
/// The TCP options NetSim understands, parsed from a header or to be written into one: MSS (RFC 9293 3.7.1),
/// window scale and timestamps (RFC 7323), SACK-permitted and SACK blocks (RFC 2018). Unknown options are skipped.
/// </summary>
public struct TcpOptionSet
{
    public const int MaxSackBlocks = 4;
    public const byte KindEnd = 0, KindNop = 1, KindMss = 2, KindWindowScale = 3, KindSackPermitted = 4, KindSack = 5, KindTimestamps = 8;
    /// <summary>RFC 7323 2.3: a shift above 14 is used as 14.</summary>
    public const int MaxWindowScale = 14;

    public ushort Mss;
    public bool HasMss;
    public byte WindowScale;
    public bool HasWindowScale;
    public bool SackPermitted;
    public bool HasTimestamps;
    public uint TsVal;
    public uint TsEcr;
    public int SackCount;
    public SackBlocks Sack;

    /// <summary>Bytes these options take on the wire, in the layout <see cref="TcpHeader.EmitHeader"/> writes (a multiple of 4).</summary>
    public readonly int WireLength
    {
        get
        {
            int n = 0;
            if (HasMss) n += 4;
            if (HasTimestamps) n += 12; // SACK-permitted rides in the two bytes before them
            else if (SackPermitted) n += 4;
            if (HasWindowScale) n += 4;
            if (SackCount > 0) n += 4 + 8 * SackCount;
            return n;
        }
    }
}

/// <summary>
/// A view over a TCP segment (RFC 9293 3.1): header, options and payload. Nothing is copied.
/// <see cref="Check"/> validates the data offset against the buffer before <see cref="Parse"/> trusts it;
/// <see cref="TryReadOptions"/> validates every option length before reading it.
/// </summary>
public readonly ref struct TcpHeader
{
    public const int MinLength = 20;
    public const int MaxLength = 60;
    private readonly ReadOnlySpan<byte> _bytes;

    private TcpHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True when the fixed header fits and the data offset is at least 5 words and within the segment.</summary>
    public static bool Check(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < MinLength) return false;
        int headerLength = (segment[12] >> 4) * 4;
        return headerLength >= MinLength && headerLength <= segment.Length;
    }

    /// <summary>A view over the whole segment (the IP layer has already trimmed it); call <see cref="Check"/> first.</summary>
    public static TcpHeader Parse(ReadOnlySpan<byte> segment) => new(segment);

    public ReadOnlySpan<byte> Bytes => _bytes;
    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_bytes);
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]);
    public uint SequenceNumber => BinaryPrimitives.ReadUInt32BigEndian(_bytes[4..]);
    public uint AcknowledgmentNumber => BinaryPrimitives.ReadUInt32BigEndian(_bytes[8..]);
    /// <summary>Header length in bytes (data offset * 4), options included.</summary>
    public int HeaderLength => (_bytes[12] >> 4) * 4;
    public TcpFlags Flags => (TcpFlags)_bytes[13];
    public bool Syn => (Flags & TcpFlags.Syn) != 0;
    public bool Ack => (Flags & TcpFlags.Ack) != 0;
    public bool Fin => (Flags & TcpFlags.Fin) != 0;
    public bool Rst => (Flags & TcpFlags.Rst) != 0;
    /// <summary>The raw 16-bit window field (not yet scaled).</summary>
    public ushort Window => BinaryPrimitives.ReadUInt16BigEndian(_bytes[14..]);
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_bytes[16..]);
    public ushort UrgentPointer => BinaryPrimitives.ReadUInt16BigEndian(_bytes[18..]);
    public ReadOnlySpan<byte> Options => _bytes[MinLength..HeaderLength];
    public ReadOnlySpan<byte> Payload => _bytes[HeaderLength..];
    /// <summary>Sequence space the segment occupies: payload plus one for SYN and one for FIN.</summary>
    public int SegmentLength => Payload.Length + (Syn ? 1 : 0) + (Fin ? 1 : 0);

    /// <summary>True when the checksum verifies over the IPv4 pseudo-header.</summary>
    public bool IsChecksumValidV4(Ipv4Address source, Ipv4Address destination) =>
        InternetChecksum.Finish(InternetChecksum.Add(PseudoHeader(source, destination, _bytes.Length), _bytes)) == 0;

    /// <summary>True when the checksum verifies over the IPv6 pseudo-header.</summary>
    public bool IsChecksumValidV6(Ipv6Address source, Ipv6Address destination) =>
        InternetChecksum.Finish(InternetChecksum.Add(PseudoHeader(source, destination, _bytes.Length), _bytes)) == 0;

    /// <summary>
    /// Reads the options into <paramref name="options"/>. False for a malformed list (a length under 2 or past the
    /// header, or a known option with the wrong length); RFC 9293 3.1 asks a receiver to drop such a segment.
    /// Options after End-of-List are ignored; unknown options are skipped by their length.
    /// </summary>
    public bool TryReadOptions(out TcpOptionSet options)
    {
        options = default;
        var o = Options;
        int i = 0;
        while (i < o.Length)
        {
            byte kind = o[i];
            if (kind == TcpOptionSet.KindEnd) break;
            if (kind == TcpOptionSet.KindNop) { i++; continue; }
            if (i + 1 >= o.Length) return false;
            int length = o[i + 1];
            if (length < 2 || i + length > o.Length) return false;
            var body = o.Slice(i + 2, length - 2);
            switch (kind)
            {
                case TcpOptionSet.KindMss:
                    if (length != 4) return false;
                    options.HasMss = true;
                    options.Mss = BinaryPrimitives.ReadUInt16BigEndian(body);
                    break;
                case TcpOptionSet.KindWindowScale:
                    if (length != 3) return false;
                    options.HasWindowScale = true;
                    options.WindowScale = body[0];
                    break;
                case TcpOptionSet.KindSackPermitted:
                    if (length != 2) return false;
                    options.SackPermitted = true;
                    break;
                case TcpOptionSet.KindTimestamps:
                    if (length != 10) return false;
                    options.HasTimestamps = true;
                    options.TsVal = BinaryPrimitives.ReadUInt32BigEndian(body);
                    options.TsEcr = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    break;
                case TcpOptionSet.KindSack:
                    if ((length - 2) % 8 != 0 || length == 2) return false;
                    int blocks = Math.Min((length - 2) / 8, TcpOptionSet.MaxSackBlocks);
                    for (int b = 0; b < blocks; b++)
                        options.Sack[b] = new SackBlock(BinaryPrimitives.ReadUInt32BigEndian(body[(b * 8)..]), BinaryPrimitives.ReadUInt32BigEndian(body[(b * 8 + 4)..]));
                    options.SackCount = blocks;
                    break;
            }
            i += length;
        }
        return true;
    }

    /// <summary>
    /// Writes the header and options (checksum zero) and returns the header length. The options are laid out as
    /// Linux lays them out (tcp_options_write), so every length is a multiple of 4 without padding: MSS;
    /// SACK-permitted with timestamps, or NOP NOP timestamps; NOP window-scale; NOP NOP SACK blocks.
    /// </summary>
    public static int EmitHeader(Span<byte> destination, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment,
        TcpFlags flags, ushort window, in TcpOptionSet options)
    {
        int headerLength = MinLength + options.WireLength;
        if (headerLength > MaxLength) throw new ArgumentOutOfRangeException(nameof(options), headerLength, "TCP options over 40 bytes");
        BinaryPrimitives.WriteUInt16BigEndian(destination, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], acknowledgment);
        destination[12] = (byte)(headerLength / 4 << 4);
        destination[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], window);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], 0); // checksum and urgent pointer
        int i = MinLength;
        if (options.HasMss)
        {
            destination[i] = TcpOptionSet.KindMss;
            destination[i + 1] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(destination[(i + 2)..], options.Mss);
            i += 4;
        }
        if (options.HasTimestamps)
        {
            if (options.SackPermitted)
            {
                destination[i] = TcpOptionSet.KindSackPermitted;
                destination[i + 1] = 2;
            }
            else
            {
                destination[i] = TcpOptionSet.KindNop;
                destination[i + 1] = TcpOptionSet.KindNop;
            }
            destination[i + 2] = TcpOptionSet.KindTimestamps;
            destination[i + 3] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i + 4)..], options.TsVal);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i + 8)..], options.TsEcr);
            i += 12;
        }
        else if (options.SackPermitted)
        {
            destination[i] = TcpOptionSet.KindNop;
            destination[i + 1] = TcpOptionSet.KindNop;
            destination[i + 2] = TcpOptionSet.KindSackPermitted;
            destination[i + 3] = 2;
            i += 4;
        }
        if (options.HasWindowScale)
        {
            destination[i] = TcpOptionSet.KindNop;
            destination[i + 1] = TcpOptionSet.KindWindowScale;
            destination[i + 2] = 3;
            destination[i + 3] = options.WindowScale;
            i += 4;
        }
        if (options.SackCount > 0)
        {
            destination[i] = TcpOptionSet.KindNop;
            destination[i + 1] = TcpOptionSet.KindNop;
            destination[i + 2] = TcpOptionSet.KindSack;
            destination[i + 3] = (byte)(2 + 8 * options.SackCount);
            i += 4;
            for (int b = 0; b < options.SackCount; b++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination[i..], options.Sack[b].Left);
                BinaryPrimitives.WriteUInt32BigEndian(destination[(i + 4)..], options.Sack[b].Right);
                i += 8;
            }
        }
        return headerLength;
    }

    /// <summary>Computes and writes the checksum of a whole segment (header already emitted, payload in place).</summary>
    public static void FillChecksum(Span<byte> segment, uint pseudoHeaderSum)
    {
        segment[16] = 0;
        segment[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(segment[16..], InternetChecksum.Finish(InternetChecksum.Add(pseudoHeaderSum, segment)));
    }

    /// <summary>Writes header, options and payload with the checksum; returns the segment length.</summary>
    public static int Emit(Span<byte> destination, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment,
        TcpFlags flags, ushort window, in TcpOptionSet options, ReadOnlySpan<byte> payload, uint pseudoHeaderSum)
    {
        int headerLength = EmitHeader(destination, sourcePort, destinationPort, sequence, acknowledgment, flags, window, options);
        payload.CopyTo(destination[headerLength..]);
        int length = headerLength + payload.Length;
        FillChecksum(destination[..length], pseudoHeaderSum);
        return length;
    }

    public static uint PseudoHeader(Ipv4Address source, Ipv4Address destination, int tcpLength) =>
        InternetChecksum.PseudoHeaderV4(source, destination, IpProtocol.Tcp, tcpLength);

    public static uint PseudoHeader(Ipv6Address source, Ipv6Address destination, int tcpLength) =>
        InternetChecksum.PseudoHeaderV6(source, destination, IpProtocol.Tcp, tcpLength);
}
