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
    public void Failed(string error) { lock (_gate) Error ??= error; }

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

/// <summary>
/// The receiving half of a tcp flow: listens on the flow's port, starts the sender once listening (so its SYN
/// never races the listen), accepts one connection and reads until end of stream, then closes.
/// </summary>
internal sealed class TcpSinkActor : UntypedActor
{
    private readonly IActorRef _host;
    private readonly TcpFlowStats _stats;
    private readonly ushort _port;
    private readonly Props _source;
    private readonly SimClock _clock = SimClock.For(Context.System);
    private int _socket;

    public TcpSinkActor(IActorRef host, TcpFlowStats stats, ushort port, Props source) => (_host, _stats, _port, _source) = (host, stats, port, source);

    public static Props Props(IActorRef host, TcpFlowStats stats, ushort port, Props source) =>
        Akka.Actor.Props.Create(() => new TcpSinkActor(host, stats, port, source)).WithSimDispatcher();

    protected override void PreStart() => _host.Tell(new TcpListen(_port));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case TcpListening l:
                Context.ActorOf(_source, "source");
                _host.Tell(new TcpAccept(l.Socket));
                break;
            case TcpAccepted a:
                _socket = a.Socket;
                _host.Tell(new TcpReceive(_socket, 1 << 20));
                break;
            case TcpReceived { Data.Length: 0 }:
                _stats.EndOfStream(_clock.Elapsed);
                _host.Tell(new TcpClose(_socket));
                break;
            case TcpReceived r:
                _stats.Received(r.Data.Length);
                _host.Tell(new TcpReceive(_socket, 1 << 20));
                break;
            case TcpDone:
                break;
            case OperationFailed e:
                _stats.Failed($"receiver: {e}");
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
                _stats.Failed($"sender: {e}");
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
