using System.Collections.ObjectModel;
using NetSim.Protocol.Nic;

namespace NetSim.Actors.Nic;

/// <summary>The mutable counters behind <see cref="NicCounters"/>, owned by one NicActor.</summary>
internal sealed class NicCounterSet
{
    public long RxPackets, RxBytes, RxErrors, TxPackets, TxBytes, TxDropped;
    // rx_dropped and tx_errors keep the `ip -s link` layout; nothing in the simulation drops a frame the NIC has
    // accepted (the stack counts its own drops) or fails a transmit, so they stay zero for now.
    public readonly long RxDropped = 0, TxErrors = 0;
    private Dictionary<string, long>? _reasons; // allocated on the first drop: most NICs never drop

    public void CountTxDrop(string reason, long n = 1)
    {
        TxDropped += n;
        AddReason(reason, n);
    }

    public void CountRxError(string reason, long n = 1)
    {
        RxErrors += n;
        AddReason(reason, n);
    }

    private void AddReason(string reason, long n)
    {
        _reasons ??= new Dictionary<string, long>(StringComparer.Ordinal);
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + n;
    }

    public NicCounters Snapshot(string name, int nicId, int queued) => new(
        name, nicId, RxPackets, RxBytes, RxDropped, RxErrors, TxPackets, TxBytes, TxDropped, TxErrors, queued,
        _reasons is null ? DropCounter.None : new Dictionary<string, long>(_reasons));
}
