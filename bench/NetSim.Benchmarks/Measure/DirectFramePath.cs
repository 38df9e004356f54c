using NetSim.Protocol;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Wire;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// The baseline: the work of <see cref="ActorFramePath"/> with no actors, as plain calls on one thread.
/// Per frame: the file's write checks (length, MTU) and PI parse/strip (<see cref="PacketInfoHeader"/>), the rx
/// counters of NIC A, the forwarder's lookup of the out NIC by ID (a dictionary, like NicRegistry), NIC B's
/// bounded queue (a <see cref="Queue{T}"/> of <see cref="ProtocolFrame"/> with the same 1024 bound and drop
/// counting as the internal OutboundQueue, whose ring logic it stands in for) and tx counters, and the read with
/// <see cref="PacketInfoHeader.Prepend"/>. Frames go through the queue in chunks of <c>batch</c>.
/// </summary>
public sealed class DirectFramePath
{
    private sealed class Nic(int id, int queueLength)
    {
        public readonly int Id = id;
        public readonly int QueueLength = queueLength;
        public readonly Queue<ProtocolFrame> Queue = new();
        public long RxPackets, RxBytes, TxPackets, TxBytes, TxDropped;
    }

    private const int Mtu = 1500;
    private readonly ReadOnlyMemory<byte>[] _ring = Frames.Ring();
    private readonly Nic _a = new(1, 1024);
    private readonly Dictionary<int, Nic> _nics = [];
    private long _checksum;

    public DirectFramePath()
    {
        _nics[_a.Id] = _a;
        _nics[2] = new Nic(2, 1024);
    }

    /// <summary>Moves <paramref name="frames"/> frames from file A to file B; returns how many were read.</summary>
    public long Run(int frames, int batch = 1)
    {
        long read = 0;
        var slot = 0;
        for (var done = 0; done < frames;)
        {
            var n = Math.Min(batch, frames - done);
            for (var i = 0; i < n; i++)
            {
                Write(_ring[slot]);
                if (++slot == _ring.Length) slot = 0;
            }
            done += n;
            var b = _nics[2];
            while (b.Queue.Count > 0)
            {
                var f = b.Queue.Dequeue();
                var wire = PacketInfoHeader.Prepend(f.Frame, f.Protocol);
                _checksum += wire.Length;
                read++;
            }
        }
        return read;
    }

    /// <summary>Bytes read so far (keeps the work observable).</summary>
    public long Checksum => _checksum;

    private void Write(ReadOnlyMemory<byte> raw)
    {
        // DeviceActor.Check and Strip (TUN with PI).
        if (raw.Length == 0 || raw.Length > Mtu + PacketInfoHeader.Length) throw new InvalidOperationException(Errno.EMSGSIZE.ToString());
        if (!PacketInfoHeader.Check(raw.Span)) return;
        var protocol = PacketInfoHeader.Parse(raw.Span).Protocol;
        var frame = raw[PacketInfoHeader.Length..];
        // NicActor: rx counters, then up to the stack.
        _a.RxPackets++;
        _a.RxBytes += frame.Length;
        // Stack -> forwarder -> SendFrame: look the out NIC up by ID, enqueue with the bound.
        var to = _nics[2];
        if (to.Queue.Count >= to.QueueLength) { to.TxDropped++; return; }
        to.Queue.Enqueue(new ProtocolFrame(protocol, frame));
        to.TxPackets++;
        to.TxBytes += frame.Length;
    }
}
