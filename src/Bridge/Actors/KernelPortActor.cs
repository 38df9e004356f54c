using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Time;
using NetSim.Bridge.Kernel;
using NetSim.Protocol;
using NetSim.Protocol.Bridge;
using NetSim.Protocol.Capture;
using NetSim.Protocol.Links;

namespace NetSim.Bridge.Actors;

/// <summary>
/// A port whose far side is a real kernel TUN/TAP device: it speaks the same port protocol as <see cref="NetSim.Actors.Links.PortActor"/>
/// (PortFrames to its owner, PortWrite / PortWriteBatch from it, PortAttached, PortWriteFailed), so a bridge or a switch uses it
/// like any port. A reader thread of its own waits on the device (poll on the device and a wake-up eventfd), reads
/// until EAGAIN and hands the frames over in batches; writes happen here, one write(2) per frame (a tun write does
/// not block). Frames the reader has handed over but the actor has not yet taken are bounded: past the bound the
/// reader drops and counts ("backlog-full"), as a full NIC queue does. Counts frames and bytes each way, drops by
/// reason, and captures like a NIC (CaptureNic / CapturedFrame; outbound = written to the kernel).
/// </summary>
public sealed class KernelPortActor : UntypedActor
{
    /// <summary>Frames read but not yet taken by the actor, at most (one NIC queue's worth, times four).</summary>
    public const int BacklogLimit = 4096;
    private const int ReadBatchSize = 64;

    private readonly int _index;
    private readonly KernelTunDevice _device;
    private readonly IActorRef _owner;
    private readonly string _name;
    private readonly DropCounter _drops = new();
    private long _fromKernelFrames, _fromKernelBytes, _toKernelFrames, _toKernelBytes;
    private int _backlog;                       // shared with the reader thread (Interlocked)
    private volatile bool _stopping;
    private Thread? _reader;
    private List<IActorRef>? _captureSinks;
    private readonly SimClock _clock = SimClock.For(Context.System);

    /// <summary>Frames the reader thread read, and how many it had to drop since its last message.</summary>
    private sealed record KernelFrames(ReadOnlyMemory<byte>[] Frames, int BacklogDrops);

    /// <summary>The reader thread stopped on a read error.</summary>
    private sealed record ReaderFailed(int Errno);

    /// <summary>A drop the owner saw on this bridge's behalf (a frame from the kernel that its NIC refused).</summary>
    public sealed record CountDrop(string Reason, int Frames = 1);

    public KernelPortActor(int index, KernelTunDevice device, IActorRef owner, string name)
    {
        _index = index;
        _device = device;
        _owner = owner;
        _name = name;
    }

    public static Props Props(int index, KernelTunDevice device, IActorRef owner, string name) =>
        Akka.Actor.Props.Create(() => new KernelPortActor(index, device, owner, name)).WithSimDispatcher();

    protected override void PreStart()
    {
        var self = Self;
        _reader = new Thread(() => ReadLoop(self)) { IsBackground = true, Name = "netsim-bridge-" + _name };
        _reader.Start();
        _owner.Tell(new PortAttached(_index, 0, Errno.None));
    }

    protected override void PostStop()
    {
        _stopping = true;
        _device.Wake();
        _reader?.Join(TimeSpan.FromSeconds(5));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case KernelFrames m:
                FromKernel(m);
                break;
            case PortWrite m:
                ToKernel(m.Frame);
                break;
            case PortWriteBatch m:
                foreach (var frame in m.Frames) ToKernel(frame);
                break;
            case CountDrop m:
                _drops.Count(m.Reason, m.Frames);
                break;
            case ReaderFailed m:
                _drops.Count("read:" + LibC.Name(m.Errno));
                break;
            case CaptureNic m:
                if (m.Active) { _captureSinks ??= []; if (!_captureSinks.Contains(m.Sink)) _captureSinks.Add(m.Sink); }
                else if (_captureSinks is not null && _captureSinks.Remove(m.Sink) && _captureSinks.Count == 0) _captureSinks = null;
                Sender.Tell(new CaptureStarted(0, _device.Name, _device.IsTap, m.Active));
                break;
            case GetBridgeCounters:
                Sender.Tell(new BridgeCounters(_name, _device.Name, _fromKernelFrames, _fromKernelBytes, _toKernelFrames, _toKernelBytes,
                    _drops.Total, _drops.Snapshot()));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void FromKernel(KernelFrames m)
    {
        Interlocked.Add(ref _backlog, -m.Frames.Length);
        if (m.BacklogDrops > 0) _drops.Count("backlog-full", m.BacklogDrops);
        var accepted = new List<ReadOnlyMemory<byte>>(m.Frames.Length);
        foreach (var frame in m.Frames)
        {
            if (Malformed(frame.Span) is { } reason) { _drops.Count(reason); continue; }
            _fromKernelFrames++;
            _fromKernelBytes += frame.Length;
            if (_captureSinks is not null) Capture(false, frame);
            accepted.Add(frame);
        }
        if (accepted.Count > 0) _owner.Tell(new PortFrames(_index, accepted));
    }

    /// <summary>Why a frame from the kernel cannot enter the simulation, or null.</summary>
    private string? Malformed(ReadOnlySpan<byte> frame)
    {
        if (_device.IsTap) return frame.Length < 14 ? "short-frame" : null;
        return frame.Length == 0 || (frame[0] >> 4) is not (4 or 6) ? "not-ip" : null;
    }

    private void ToKernel(ReadOnlyMemory<byte> frame)
    {
        if (_captureSinks is not null) Capture(true, frame);
        var errno = _device.Write(frame.Span);
        if (errno != 0)
        {
            _drops.Count("write:" + LibC.Name(errno));
            _owner.Tell(new PortWriteFailed(_index, "write:" + LibC.Name(errno)));
            return;
        }
        _toKernelFrames++;
        _toKernelBytes += frame.Length;
    }

    private void Capture(bool outbound, ReadOnlyMemory<byte> frame)
    {
        var captured = new CapturedFrame(0, outbound, _clock.Elapsed, frame);
        foreach (var sink in _captureSinks!) sink.Tell(captured);
    }

    private void ReadLoop(IActorRef self)
    {
        var buffer = new byte[65536];
        var batch = new List<ReadOnlyMemory<byte>>(ReadBatchSize);
        var backlogDrops = 0;
        void Flush()
        {
            if (batch.Count == 0 && backlogDrops == 0) return;
            Interlocked.Add(ref _backlog, batch.Count);
            self.Tell(new KernelFrames([.. batch], backlogDrops));
            batch.Clear();
            backlogDrops = 0;
        }
        while (!_stopping && _device.WaitReadable())
        {
            while (!_stopping)
            {
                var n = _device.Read(buffer);
                if (n == 0) break; // EAGAIN: all read
                if (n < 0)
                {
                    Flush();
                    self.Tell(new ReaderFailed(-n));
                    return;
                }
                if (Volatile.Read(ref _backlog) + batch.Count >= BacklogLimit) { backlogDrops++; continue; }
                batch.Add(buffer.AsSpan(0, n).ToArray());
                if (batch.Count == ReadBatchSize) Flush();
            }
            Flush();
        }
    }
}
