using System.Buffers.Binary;

namespace NetSim.Scenario.Output;

/// <summary>Link-layer type of a pcap file.</summary>
public enum PcapLinkType : uint
{
    /// <summary>LINKTYPE_ETHERNET: frames of a TAP NIC.</summary>
    Ethernet = 1,
    /// <summary>LINKTYPE_RAW: IPv4/IPv6 packets of a TUN NIC (no packet information header).</summary>
    Raw = 101,
}

/// <summary>
/// Writes a classic libpcap file (magic 0xa1b2c3d4, little-endian, version 2.4, microsecond timestamps,
/// snaplen 65535). Timestamps are simulated time since the run start, added to the fixed <see cref="Epoch"/>, so
/// the same run gives the same bytes.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    /// <summary>Classic pcap magic number with microsecond timestamps.</summary>
    public const uint MagicMicroseconds = 0xa1b2c3d4;

    /// <summary>Largest number of bytes kept of a frame.</summary>
    public const int SnapLength = 65535;

    /// <summary>Wall-clock time that simulated time zero is shown as: 2000-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _recordHeader = new byte[16];

    /// <summary>Starts a pcap file on <paramref name="stream"/> and writes its 24-byte global header.</summary>
    public PcapWriter(Stream stream, PcapLinkType linkType, bool ownsStream = false)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        LinkType = linkType;
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header[0..], MagicMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);   // thiszone: UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _stream.Write(header);
    }

    /// <summary>Creates (or replaces) a pcap file.</summary>
    public static PcapWriter Create(string path, PcapLinkType linkType) => new(File.Create(path), linkType, ownsStream: true);

    /// <summary>Link-layer type written in the header.</summary>
    public PcapLinkType LinkType { get; }

    /// <summary>Frames written so far.</summary>
    public long FrameCount { get; private set; }

    /// <summary>Appends one frame seen at <paramref name="sinceStart"/> (simulated time, not negative).</summary>
    public void WriteFrame(TimeSpan sinceStart, ReadOnlySpan<byte> frame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sinceStart, TimeSpan.Zero);
        long micros = (Epoch.Ticks - DateTimeOffset.UnixEpoch.Ticks + sinceStart.Ticks) / 10;
        var kept = Math.Min(frame.Length, SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(0), checked((uint)(micros / 1_000_000)));
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(4), (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(8), (uint)kept);
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(12), (uint)frame.Length);
        _stream.Write(_recordHeader);
        _stream.Write(frame[..kept]);
        FrameCount++;
    }

    /// <summary>Flushes buffered bytes to the stream.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }
}
