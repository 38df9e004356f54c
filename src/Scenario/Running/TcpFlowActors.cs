using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// What one tcp flow measured: written by its two actors, read by the runner after the run (which adds the
/// sender's connection numbers from <see cref="GetTcpInfo"/>).
/// </summary>
internal sealed class TcpFlowStats(string name)
{
    private readonly object _gate = new();
    public string Name { get; } = name;
    public IActorRef? SenderHost { get; private set; }
    public int SenderSocket { get; private set; }
    public TimeSpan? StartedAt { get; private set; }
    public TimeSpan? ConnectedAt { get; private set; }
    public TimeSpan? EndOfStreamAt { get; private set; }
    public long BytesSent { get; private set; }
    public long BytesReceived { get; private set; }
    public string? Error { get; private set; }

    public void Started(TimeSpan at) { lock (_gate) StartedAt = at; }
    public void Connected(IActorRef host, int socket, TimeSpan at) { lock (_gate) (SenderHost, SenderSocket, ConnectedAt) = (host, socket, at); }
    public void Sent(long bytes) { lock (_gate) BytesSent += bytes; }
    public void Received(long bytes) { lock (_gate) BytesReceived += bytes; }
    public void EndOfStream(TimeSpan at) { lock (_gate) EndOfStreamAt = at; }
    public TimeSpan? ErrorAt { get; private set; }
    public void Failed(string error, TimeSpan at) { lock (_gate) if (Error is null) (Error, ErrorAt) = (error, at); }

    /// <summary>This side's figures (the source's or the sink's; in one process both), with the sender's connection
    /// numbers <paramref name="info"/> when the source runs here.</summary>
    public TcpFlowPart Export(TcpInfoReply? info)
    {
        lock (_gate) return new TcpFlowPart(Name, StartedAt, ConnectedAt, EndOfStreamAt, BytesSent, BytesReceived, Error, ErrorAt, info);
    }

    /// <summary>Adds another side's figures; the first error in simulated time wins (the source's at a tie, as it starts first).</summary>
    public TcpInfoReply? Absorb(TcpFlowPart part)
    {
        lock (_gate)
        {
            StartedAt ??= part.StartedAt;
            ConnectedAt ??= part.ConnectedAt;
            EndOfStreamAt ??= part.EndOfStreamAt;
            BytesSent += part.BytesSent;
            BytesReceived += part.BytesReceived;
            if (part.Error is not null && (Error is null || part.ErrorAt < ErrorAt || (part.ErrorAt == ErrorAt && part.Error.StartsWith("sender", StringComparison.Ordinal))))
                (Error, ErrorAt) = (part.Error, part.ErrorAt);
            return part.Info;
        }
    }

    /// <summary>The report of the flow; <paramref name="info"/> is the sender's connection at the end (null if it never connected).</summary>
    public FlowReport ToReport(TcpInfoReply? info, TimeSpan runEnd)
    {
        lock (_gate)
        {
            var start = StartedAt ?? runEnd;
            var end = EndOfStreamAt ?? runEnd;
            double seconds = (end - start).TotalSeconds;
            var tcp = new TcpFlowReport(
                BytesSent, BytesReceived,
                seconds > 0 ? BytesReceived * 8 / seconds : 0,
                ConnectedAt is { } c ? c - start : null,
                EndOfStreamAt is not null,
                info?.RetransmittedSegments ?? 0, info?.Timeouts ?? 0, info?.FastRetransmits ?? 0, info?.SackRecoveries ?? 0,
                info is { SRtt.Ticks: > 0 } ? info.SRtt : null, info is { MinRtt.Ticks: > 0 } ? info.MinRtt : null,
                info?.Cwnd ?? 0, info?.CongestionControl ?? "", Error);
            return new FlowReport(Name, "tcp", info?.SegmentsSent ?? 0, 0, 0, 0, 0, null, Tcp: tcp);
        }
    }
}

/// <summary>One side's figures of a tcp flow (see <see cref="TcpFlowStats.Export"/>), with the sender's connection numbers when it ran there.</summary>
public sealed record TcpFlowPart(string Name, TimeSpan? StartedAt, TimeSpan? ConnectedAt, TimeSpan? EndOfStreamAt, long BytesSent, long BytesReceived,
    string? Error, TimeSpan? ErrorAt, TcpInfoReply? Info);

/// <summary>
/// The receiving half of a tcp flow: listens on the flow's port, starts the sender as its child right after asking
/// for the listen (the listen reaches the host before any SYN can: the SYN crosses at least a NIC and a link first),
/// accepts one connection and reads until end of stream, then closes. In a partitioned run the actor exists (with
/// this name) in both partitions of the flow: with no <c>host</c> it only starts the sender, with no <c>source</c> it
/// only receives, so the sender starts at the same point of the instant as in one process.
/// </summary>
internal sealed class TcpSinkActor : UntypedActor
{
    private readonly IActorRef? _host;
    private readonly TcpFlowStats _stats;
    private readonly ushort _port;
    private readonly Props? _source;
    private readonly SimClock _clock = SimClock.For(Context.System);
    private int _socket;

    public TcpSinkActor(IActorRef? host, TcpFlowStats stats, ushort port, Props? source) => (_host, _stats, _port, _source) = (host, stats, port, source);

    public static Props Props(IActorRef? host, TcpFlowStats stats, ushort port, Props? source) =>
        Akka.Actor.Props.Create(() => new TcpSinkActor(host, stats, port, source)).WithSimDispatcher();

    protected override void PreStart()
    {
        _host?.Tell(new TcpListen(_port));
        if (_source is not null) Context.ActorOf(_source, "source");
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case TcpListening l:
                _host!.Tell(new TcpAccept(l.Socket));
                break;
            case TcpAccepted a:
                _socket = a.Socket;
                _host!.Tell(new TcpReceive(_socket, 1 << 20));
                break;
            case TcpReceived { Data.Length: 0 }:
                _stats.EndOfStream(_clock.Elapsed);
                _host!.Tell(new TcpClose(_socket));
                break;
            case TcpReceived r:
                _stats.Received(r.Data.Length);
                _host!.Tell(new TcpReceive(_socket, 1 << 20));
                break;
            case TcpDone:
                break;
            case OperationFailed e:
                _stats.Failed($"receiver: {e}", _clock.Elapsed);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>
/// The sending half of a tcp flow: connects, then writes 64 KiB at a time (each send waits for room in the send
/// buffer, so TCP's flow and congestion control set the pace) until the byte count is written or the duration is
/// over, then shuts down its side.
/// </summary>
internal sealed class TcpSourceActor : UntypedActor
{
    private const int ChunkSize = 64 * 1024;
    private readonly IActorRef _host;
    private readonly TcpFlowStats _stats;
    private readonly IpAddress _destination;
    private readonly ushort _port;
    private readonly long _bytes;
    private readonly TimeSpan? _duration;
    private readonly string _congestionControl;
    private readonly SimClock _clock = SimClock.For(Context.System);
    private readonly byte[] _chunk = new byte[ChunkSize];
    private TimeSpan _stopAt = TimeSpan.MaxValue;
    private int _socket;
    private long _written;

    public TcpSourceActor(IActorRef host, TcpFlowStats stats, IpAddress destination, ushort port, long? bytes, TimeSpan? duration, string congestionControl)
    {
        (_host, _stats, _destination, _port, _duration, _congestionControl) = (host, stats, destination, port, duration, congestionControl);
        _bytes = bytes ?? long.MaxValue;
        new Random(port).NextBytes(_chunk);
    }

    public static Props Props(IActorRef host, TcpFlowStats stats, IpAddress destination, ushort port, long? bytes, TimeSpan? duration, string congestionControl) =>
        Akka.Actor.Props.Create(() => new TcpSourceActor(host, stats, destination, port, bytes, duration, congestionControl)).WithSimDispatcher();

    protected override void PreStart()
    {
        var now = _clock.Elapsed;
        _stats.Started(now);
        if (_duration is { } d) _stopAt = now + d;
        _host.Tell(new TcpConnect(_destination, _port, _congestionControl));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case TcpConnected c:
                _socket = c.Socket;
                _stats.Connected(_host, c.Socket, _clock.Elapsed);
                SendNext();
                break;
            case TcpSent s:
                _written += s.Bytes;
                _stats.Sent(s.Bytes);
                SendNext();
                break;
            case TcpDone:
                break;
            case OperationFailed e:
                _stats.Failed($"sender: {e}", _clock.Elapsed);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void SendNext()
    {
        if (_written >= _bytes || _clock.Elapsed >= _stopAt)
        {
            _host.Tell(new TcpShutdown(_socket));
            return;
        }
        int n = (int)Math.Min(ChunkSize, _bytes - _written);
        _host.Tell(new TcpSend(_socket, _chunk.AsMemory(0, n)));
    }
}
