namespace NetSim.Network.Tcp;

/// <summary>
/// TCP settings of a host (or of one connection). Defaults follow Linux where Linux has a knob
/// (tcp_rto_min 200 ms, tcp_syn_retries 6, tcp_retries2 15, tcp_fin_timeout 60 s, initial window 10, CUBIC).
/// </summary>
public sealed record TcpConfig
{
    /// <summary>Lower bound of the retransmission timeout (Linux TCP_RTO_MIN 200 ms; RFC 6298 says 1 s).</summary>
    public TimeSpan MinRto { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the retransmission timeout after backoff (Linux TCP_RTO_MAX 120 s).</summary>
    public TimeSpan MaxRto { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>RTO before the first RTT sample (RFC 6298 2.1: 1 s).</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Maximum segment lifetime: TIME_WAIT lasts twice this (Linux holds TIME_WAIT 60 s, so 30 s here).</summary>
    public TimeSpan Msl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An orphaned connection (closed by its application) waits this long in FIN_WAIT_2 (Linux tcp_fin_timeout).</summary>
    public TimeSpan FinWait2Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an ACK may wait for a second segment or data to ride on (Linux's minimum 40 ms); zero acks every segment.</summary>
    public TimeSpan DelayedAck { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>SYN retransmissions before connect fails with ETIMEDOUT (Linux tcp_syn_retries 6).</summary>
    public int SynRetries { get; init; } = 6;

    /// <summary>Retransmissions of the same data before the connection is aborted (Linux tcp_retries2 15).</summary>
    public int MaxRetransmissions { get; init; } = 15;

    /// <summary>Send buffer bytes, sized once per connection (Linux tcp_wmem grows to 4 MB; fixed here).</summary>
    public int SendBufferSize { get; init; } = 1 << 20;

    /// <summary>Receive buffer bytes, sized once per connection: the largest window this side advertises.</summary>
    public int ReceiveBufferSize { get; init; } = 1 << 20;

    /// <summary>Initial congestion window in segments (RFC 6928, Linux 10).</summary>
    public int InitialWindowSegments { get; init; } = 10;

    /// <summary>Congestion control by name ("cubic", "newreno", or any class marked <see cref="CongestionControlAttribute"/>).</summary>
    public string CongestionControl { get; init; } = "cubic";

    /// <summary>Offer and use SACK (RFC 2018).</summary>
    public bool Sack { get; init; } = true;

    /// <summary>Offer and use timestamps (RFC 7323): RTT samples on every ACK.</summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>Offer and use window scaling (RFC 7323); without it windows stop at 65535 bytes.</summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>Connections a listener holds that are not accepted yet, when Listen gives no backlog (Linux somaxconn 4096).</summary>
    public int DefaultBacklog { get; init; } = 128;

    /// <summary>Initial send sequence number of every connection; null draws one per connection from the host's seed. Tests set it to cross the 2^32 wrap.</summary>
    public uint? InitialSequenceNumber { get; init; }

    /// <summary>Throws for settings no connection could work with.</summary>
    public void Validate()
    {
        if (MinRto <= TimeSpan.Zero || MaxRto < MinRto || InitialRto <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MinRto), "RTO bounds must be positive and ordered");
        if (Msl < TimeSpan.Zero || DelayedAck < TimeSpan.Zero || FinWait2Timeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Msl), "times must not be negative");
        if (SynRetries < 0 || MaxRetransmissions < 1) throw new ArgumentOutOfRangeException(nameof(SynRetries), "retry counts out of range");
        if (SendBufferSize < 1024 || ReceiveBufferSize < 1024) throw new ArgumentOutOfRangeException(nameof(SendBufferSize), "buffers under 1 KB");
        if (SendBufferSize > (1 << 30) || ReceiveBufferSize > (1 << 30)) throw new ArgumentOutOfRangeException(nameof(SendBufferSize), "buffers over 1 GB (the scaled window limit)");
        if (InitialWindowSegments < 1) throw new ArgumentOutOfRangeException(nameof(InitialWindowSegments));
        if (!CongestionControls.Exists(CongestionControl)) throw new ArgumentException($"unknown congestion control '{CongestionControl}' (known: {string.Join(", ", CongestionControls.Names)})", nameof(CongestionControl));
    }
}
