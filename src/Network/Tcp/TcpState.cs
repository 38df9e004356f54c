using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tcp;

/// <summary>Connection states of RFC 9293 3.3.2.</summary>
public enum TcpState
{
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

/// <summary>One end of a TCP connection: an address and a port.</summary>
public readonly record struct TcpEndpoint(IpAddress Address, ushort Port)
{
    public override string ToString() => Address.IsV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

/// <summary>
/// One segment a connection wants sent, as <see cref="TcpConnection.TryDispatch"/> plans it: the host writes the
/// header from these fields and copies <see cref="PayloadLength"/> bytes from the send queue at <see cref="Sequence"/>.
/// </summary>
public struct TcpSegmentPlan
{
    public SeqNumber Sequence;
    public SeqNumber Acknowledgment;
    public TcpFlags Flags;
    public ushort Window;
    public TcpOptionSet Options;
    public int PayloadLength;
}

/// <summary>What a connection has done so far: the per-flow numbers a scenario report shows.</summary>
public sealed record TcpConnectionInfo
{
    public TcpState State { get; init; }
    public TcpEndpoint Local { get; init; }
    public TcpEndpoint Remote { get; init; }
    public string CongestionControl { get; init; } = "";
    /// <summary>Time from SYN sent (or received) to the connection being established; null until then.</summary>
    public TimeSpan? ConnectTime { get; init; }
    public long SegmentsSent { get; init; }
    public long SegmentsReceived { get; init; }
    /// <summary>Payload bytes the peer acknowledged.</summary>
    public long BytesAcked { get; init; }
    /// <summary>Payload bytes received in order (what the application can read, or has read).</summary>
    public long BytesReceived { get; init; }
    public long RetransmittedSegments { get; init; }
    public long Timeouts { get; init; }
    public long FastRetransmits { get; init; }
    public long SackRecoveries { get; init; }
    public long DuplicateAcks { get; init; }
    public long ZeroWindowProbes { get; init; }
    public TimeSpan SRtt { get; init; }
    public TimeSpan MinRtt { get; init; }
    public TimeSpan Rto { get; init; }
    public int Cwnd { get; init; }
    public int SsThresh { get; init; }
    public int Mss { get; init; }
    public Errno Error { get; init; }
}
