using System.Buffers.Binary;
using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Scenario.Running;

/// <summary>The timer message of the flow actors: time for the next packet.</summary>
internal sealed class SendNext
{
    public static readonly SendNext Instance = new();
}

/// <summary>
/// ping: <c>count</c> ICMP echo requests from a host, one every <c>interval</c>, the first at once. Replies are
/// matched by sequence number for the round-trip time (simulated clock); ICMP errors (time exceeded, unreachable)
/// and sends that fail are counted as errors of the flow. Sequence numbers are 16 bits and wrap after 65,535 as
/// real ping's do; the flow counts the echoes it sent in 64 bits and stops after <c>count</c>.
/// </summary>
internal sealed class PingFlowActor : UntypedActor
{
    private readonly IActorRef _host;
    private readonly FlowStats _stats;
    private readonly IpAddress _destination;
    private readonly ushort _identifier;
    private readonly int _count, _size;
    private readonly TimeSpan _interval;
    private readonly byte _ttl;
    // By sequence number (the index): which echo had it last and when it left; Echo 0 for a number not sent yet. Grown
    // by doubling up to the highest number the flow uses (count, or 65,535 once it wraps): a dictionary cost 28 bytes an
    // entry and a hash per ping.
    private (long Echo, TimeSpan At)[] _sentAt = [];
    private long _sent;
    private readonly SimClock _clock = SimClock.For(Context.System);
    private ushort _sequence;
    private readonly WakeUp _next; // one per flow: an Akka timer per ping allocated five objects

    public PingFlowActor(IActorRef host, FlowStats stats, IpAddress destination, ushort identifier, int count, TimeSpan interval, int size, byte ttl)
    {
        (_host, _stats, _destination, _identifier, _count, _interval, _size, _ttl) = (host, stats, destination, identifier, count, interval, size, ttl);
        _next = WakeUp.Of(Context, SendNext.Instance);
    }

    public static Props Props(IActorRef host, FlowStats stats, IpAddress destination, ushort identifier, int count, TimeSpan interval, int size, byte ttl) =>
        SimDispatcher.Props<PingFlowActor>(host, stats, destination, identifier, SimDispatcher.Boxed(count), interval, SimDispatcher.Boxed(size), ttl);

    protected override void PreStart() => Self.Tell(SendNext.Instance);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SendNext:
                _sent++;
                _sequence = unchecked((ushort)_sent);
                if (_sequence >= _sentAt.Length) Array.Resize(ref _sentAt, (int)Math.Min(Math.Max(16, 2L * _sentAt.Length), Math.Min(Math.Max(_count, _sent), ushort.MaxValue) + 1L));
                _sentAt[_sequence] = (_sent, _clock.Elapsed);
                _stats.CountSent(_sent, _clock.Elapsed);
                _host.Tell(new SendEcho(_destination, _identifier, _sequence, _size, _ttl, Self));
                if (_sent < _count) _next.Arm(_interval);
                break;
            case IcmpEvent { IsError: false } reply when reply.Sequence < _sentAt.Length && _sentAt[reply.Sequence] is { Echo: > 0 } sent:
                _stats.CountReceived(sent.Echo, _size, _clock.Elapsed, _clock.Elapsed - sent.At);
                break;
            case EchoSendFailed f:
                _stats.CountSendFailed(f.Errno);
                break;
            case IcmpEvent:
                _stats.CountError();
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>
/// The sending half of a UDP flow: binds an ephemeral port, then sends datagrams of <c>size</c> bytes at
/// <c>rate</c> per second (each carrying its sequence number in its first 8 bytes) until <c>count</c> are sent or
/// <c>duration</c> has passed. Sends that fail (EHOSTUNREACH, ECONNREFUSED ...) are counted as errors.
/// </summary>
internal sealed class UdpSenderActor : UntypedActor
{
    private readonly IActorRef _host;
    private readonly FlowStats _stats;
    private readonly IpAddress _destination;
    private readonly ushort _port;
    private readonly TimeSpan _interval;
    private readonly int _size;
    private readonly long _count;
    private readonly SimClock _clock = SimClock.For(Context.System);
    private TimeSpan _stopAt;
    private ushort _localPort;
    private long _sequence;
    private readonly WakeUp _next; // one per flow: an Akka timer per datagram allocated five objects

    public UdpSenderActor(IActorRef host, FlowStats stats, IpAddress destination, ushort port, double rate, int size, long? count, TimeSpan? duration)
    {
        (_host, _stats, _destination, _port, _size) = (host, stats, destination, port, Math.Max(8, size));
        _interval = TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / rate)));
        _count = count ?? long.MaxValue;
        _stopAt = duration ?? TimeSpan.MaxValue;
        _next = WakeUp.Of(Context, SendNext.Instance);
    }

    public static Props Props(IActorRef host, FlowStats stats, IpAddress destination, ushort port, double rate, int size, long? count, TimeSpan? duration) =>
        SimDispatcher.Props<UdpSenderActor>(host, stats, destination, port, rate, size, count, duration);

    protected override void PreStart()
    {
        if (_stopAt != TimeSpan.MaxValue) _stopAt += _clock.Elapsed;
        _host.Tell(new UdpBind(0, Self));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case UdpBound bound:
                _localPort = bound.Port;
                Self.Tell(SendNext.Instance);
                break;
            case SendNext:
                if (_sequence >= _count || _clock.Elapsed >= _stopAt) break;
                var payload = new byte[_size];
                BinaryPrimitives.WriteInt64BigEndian(payload, _sequence);
                _stats.CountSent(_sequence++, _clock.Elapsed);
                _host.Tell(new UdpSend(_localPort, _destination, _port, payload));
                _next.Arm(_interval);
                break;
            case UdpSent:
                break;
            case UdpSendFailed f:  // found later: neighbour resolution gave up, ICMP port unreachable
                _stats.CountSendFailed(f.Errno);
                break;
            case OperationFailed { Operation: "udp-send" } e: // sendto(2) failed at once (no route)
                _stats.CountSendFailed(e.Errno);
                break;
            case OperationFailed: // the bind failed
                _stats.CountError();
                break;
            case UdpDatagram:
                break; // nothing answers a flow, but a reply is harmless
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>The receiving half of a UDP flow: binds the flow's port on the destination host and counts arrivals by sequence number.</summary>
internal sealed class UdpReceiverActor : UntypedActor
{
    private readonly IActorRef _host;
    private readonly FlowStats _stats;
    private readonly ushort _port;
    private readonly SimClock _clock = SimClock.For(Context.System);

    public UdpReceiverActor(IActorRef host, FlowStats stats, ushort port) => (_host, _stats, _port) = (host, stats, port);

    public static Props Props(IActorRef host, FlowStats stats, ushort port) =>
        SimDispatcher.Props<UdpReceiverActor>(host, stats, port);

    protected override void PreStart() => _host.Tell(new UdpBind(_port, Self));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case UdpDatagram d when d.Payload.Length >= 8:
                _stats.CountReceived(BinaryPrimitives.ReadInt64BigEndian(d.Payload.Span), d.Payload.Length, _clock.Elapsed, null);
                break;
            case UdpDatagram:
            case UdpBound:
                break;
            case OperationFailed:
                _stats.CountError(); // the port is taken on that host
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
