using NetSim.Protocol.Nic;

namespace NetSim.Actors.Nic;

/// <summary>The mutable counters behind <see cref="NicCounters"/>, owned by one NicActor.</summary>
internal sealed class NicCounterSet
{
    public long RxPackets, RxBytes, RxErrors, TxPackets, TxBytes, TxDropped;
    // rx_dropped and tx_errors keep the `ip -s link` layout; nothing in the simulation drops a frame the NIC has
    // accepted (the stack counts its own drops) or fails a transmit, so they stay zero for now.
    public readonly long RxDropped = 0, TxErrors = 0;
    private DropCounter? _reasons; // drops and errors by reason, made on the first: most NICs never drop

    public void CountTxDrop(string reason, long n = 1)
    {
        TxDropped += n;
        (_reasons ??= new()).Count(reason, n);
    }

    public void CountRxError(string reason, long n = 1)
    {
        RxErrors += n;
        (_reasons ??= new()).Count(reason, n);
    }

    public NicCounters Snapshot(string name, int nicId, int queued)
    {
        // The same immutable answer while nothing changed, as links answer: a time-series sample reads every NIC every
        // interval, and most NICs of a large run are idle in most intervals.
        var reasons = _reasons?.Snapshot() ?? DropCounter.None;
        if (_last is { } last && last.RxPackets == RxPackets && last.RxBytes == RxBytes && last.RxErrors == RxErrors
            && last.TxPackets == TxPackets && last.TxBytes == TxBytes && last.TxDropped == TxDropped && last.Queued == queued
            && last.NicId == nicId && ReferenceEquals(last.Name, name) && ReferenceEquals(last.DropReasons, reasons))
            return last;
        return _last = new(name, nicId, RxPackets, RxBytes, RxDropped, RxErrors, TxPackets, TxBytes, TxDropped, TxErrors, queued, reasons);
    }

    private NicCounters? _last;
}
