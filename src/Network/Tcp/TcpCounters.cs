namespace NetSim.Network.Tcp;

/// <summary>A host's TCP counters, named after Linux's `netstat -s` "Tcp:" and "TcpExt:" lines.</summary>
public sealed class TcpCounters
{
    public long ActiveOpens { get; internal set; }
    public long PassiveOpens { get; internal set; }
    public long InSegments { get; internal set; }
    public long OutSegments { get; internal set; }
    /// <summary>Malformed segments: short, bad data offset, bad options, or sent to a broadcast address (InErrs).</summary>
    public long InErrors { get; internal set; }
    public long InChecksumErrors { get; internal set; }
    /// <summary>Resets this host sent.</summary>
    public long OutResets { get; internal set; }
    /// <summary>Connections ended by a reset from the peer.</summary>
    public long InResets { get; internal set; }
    /// <summary>SYNs to a port with no listener (answered with a reset).</summary>
    public long NoPorts { get; internal set; }
    /// <summary>SYNs dropped because the listener's backlog was full (TcpExt ListenOverflows).</summary>
    public long ListenOverflows { get; internal set; }
    /// <summary>Connections aborted because retransmissions ran out (TcpExt TCPAbortOnTimeout).</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Every counter by its dotted name (tcp.in-segments, ...), for snapshots and reports.</summary>
    public IEnumerable<KeyValuePair<string, long>> Named()
    {
        yield return new("tcp.active-opens", ActiveOpens);
        yield return new("tcp.passive-opens", PassiveOpens);
        yield return new("tcp.in-segments", InSegments);
        yield return new("tcp.out-segments", OutSegments);
        yield return new("tcp.in-errors", InErrors);
        yield return new("tcp.in-checksum-errors", InChecksumErrors);
        yield return new("tcp.out-resets", OutResets);
        yield return new("tcp.in-resets", InResets);
        yield return new("tcp.no-ports", NoPorts);
        yield return new("tcp.listen-overflows", ListenOverflows);
        yield return new("tcp.timeouts", Timeouts);
    }
}
