using NetSim.Network;
using NetSim.Protocol;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Wire;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// The router baseline: what <see cref="ActorFramePath"/> in router mode does, called directly with no actors —
/// the file's PI strip, the NIC's counters, the HostStack's forwarding (checksum check, route lookup, TTL
/// decrement), the copy the StackActor makes of what the stack transmits, the bounded queue and the PI prepend
/// of the read.
/// </summary>
public sealed class DirectRouterPath : IHostStackEvents
{
    private const int TunA = 2, TunB = 3, QueueLength = 1024;
    private readonly ReadOnlyMemory<byte>[] _ring = Frames.Ring(routed: true);
    private readonly HostStack _host;
    private readonly Queue<ProtocolFrame> _queueB = new();
    private long _rxPackets, _txPackets, _txDropped, _bytesRead;

    public DirectRouterPath()
    {
        _host = new HostStack(new HostStackOptions { Name = "router", Forwarding = true }, this);
        _host.AddInterface(TunA, "tunA", false, MacAddress.Zero, 1500);
        _host.AddInterface(TunB, "tunB", false, MacAddress.Zero, 1500);
        _host.AddAddress(TunA, IpAddress.Parse("10.0.0.254"), 24);
        _host.AddAddress(TunB, IpAddress.Parse("10.1.0.254"), 24);
    }

    /// <summary>Forwards <paramref name="frames"/> frames, reading tunB's queue after every <paramref name="batch"/>; returns frames read.</summary>
    public long Run(int frames, int batch = 1)
    {
        long read = 0;
        var slot = 0;
        for (var done = 0; done < frames;)
        {
            var n = Math.Min(batch, frames - done);
            for (var i = 0; i < n; i++)
            {
                var raw = _ring[slot].Span;
                if (++slot == _ring.Length) slot = 0;
                if (!PacketInfoHeader.Check(raw)) continue;
                var protocol = PacketInfoHeader.Parse(raw).Protocol;
                _rxPackets++;
                _host.Receive(TunA, protocol, raw[PacketInfoHeader.Length..], TimeSpan.Zero);
            }
            done += n;
            while (_queueB.Count > 0)
            {
                var f = _queueB.Dequeue();
                _bytesRead += PacketInfoHeader.Prepend(f.Frame, f.Protocol).Length;
                read++;
            }
        }
        if (_host.Counters.Forwarded == 0) throw new InvalidOperationException("the router forwarded nothing");
        return read;
    }

    public long BytesRead => _bytesRead;

    void IHostStackEvents.Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame)
    {
        var buffer = PacketInfoHeader.AllocateWithHeadroom(frame.Length);
        frame.CopyTo(buffer.Span);
        if (_queueB.Count >= QueueLength) { _txDropped++; return; }
        _queueB.Enqueue(new ProtocolFrame(protocol, buffer));
        _txPackets++;
    }

    void IHostStackEvents.UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload) { }
    void IHostStackEvents.UdpSendFailed(ushort localPort, IpAddress destination, Errno error) { }
    void IHostStackEvents.IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data) { }
}
