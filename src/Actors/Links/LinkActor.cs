using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Links;

namespace NetSim.Actors.Links;

/// <summary>
/// A cable between two NICs (on the same or different hosts), made of a <see cref="PortActor"/> on each end.
/// Each direction has its own wire: a frame is lost with the loss probability, waits for the wire when the rate is
/// limited (at most QueueLimit frames wait; more are dropped), takes its serialization time, then arrives after the
/// delay plus a uniform jitter. Frames on the wire when the link goes down are lost. All time comes from the
/// actor system's scheduler (virtual time in virtual mode) and all chance from the link's seeded generator.
/// Every frame taken is delivered, dropped with a reason, or in flight.
/// </summary>
public sealed class LinkActor : UntypedActor, IWithTimers
{
    private readonly string _name;
    private readonly NicEndpoint[] _ends;
    private readonly IActorRef? _creator;
    private readonly SimRandom _random;
    private LinkParameters _parameters;
    private readonly IActorRef[] _ports = new IActorRef[2];
    private readonly Wire[] _wires = [new(), new()];
    private readonly WireCounter[] _counters; // per direction: 0 is a to b, 1 is b to a
    private int _attached;

    /// <summary>One direction's transmitter: when the wire is next free, and when each waiting frame will start.</summary>
    private sealed class Wire
    {
        public TimeSpan FreeAt;
        public readonly Queue<TimeSpan> WaitingStarts = new();
    }

    /// <summary>A frame on its way to the far end of direction <paramref name="Direction"/> (0: a to b, 1: b to a).</summary>
    private readonly record struct Arrival(int Direction, ReadOnlyMemory<byte> Frame);

    /// <summary>The timer's message: deliver every frame whose arrival time has come.</summary>
    private sealed class ArrivalDue
    {
        public static readonly ArrivalDue Instance = new();
    }

    private readonly DelayLine<Arrival> _onWire = new("arrival", ArrivalDue.Instance);

    public ITimerScheduler Timers { get; set; } = null!;

    public LinkActor(string name, NicEndpoint a, NicEndpoint b, LinkParameters parameters, IActorRef? creator)
    {
        _name = name;
        _ends = [a, b];
        _counters = [new WireCounter(a.ToString(), b.ToString()), new WireCounter(b.ToString(), a.ToString())];
        _parameters = parameters;
        // Loss and jitter draw from a stream derived from the run's seed by the link's name.
        _random = SimSeed.For(Context.System).Stream("link/" + name);
        _creator = creator;
    }

    /// <summary>A link named <paramref name="name"/> between <paramref name="a"/> and <paramref name="b"/>; <paramref name="creator"/> hears <see cref="LinkReady"/> or <see cref="LinkFailed"/>.</summary>
    public static Props Props(string name, NicEndpoint a, NicEndpoint b, LinkParameters parameters, IActorRef? creator = null) =>
        Akka.Actor.Props.Create(() => new LinkActor(name, a, b, parameters, creator)).WithSimDispatcher();

    private readonly SimClock _clock = SimClock.For(Context.System);
    private TimeSpan Now => _clock.Elapsed;

    protected override void PreStart()
    {
        for (var i = 0; i < 2; i++) _ports[i] = Context.ActorOf(PortActor.Props(i, _ends[i], Self), "port-" + (i == 0 ? "a" : "b"));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortFrames m:
                foreach (var frame in m.Frames) Transmit(m.Port, frame);
                break;
            case ArrivalDue:
                DeliverDue();
                break;
            case PortWriteFailed m:
                _counters[1 - m.Port].Undeliver(m.Reason, m.Frames); // the port that failed is the far end of its direction
                break;
            case SetLinkParameters m:
                if (m.Parameters.Validate() is { } problem) throw new ArgumentException($"link {_name}: {problem}");
                _parameters = m.Parameters;
                Sender.Tell(new LinkParametersSet(_parameters));
                break;
            case GetLinkCounters:
                Sender.Tell(WireCounter.Total(_name, _counters.Sum(c => c.Offered), _counters.Sum(c => c.Delivered), _counters.Sum(c => c.InFlight), _counters));
                break;
            case PortAttached m:
                if (m.Errno != Errno.None) _creator?.Tell(new LinkFailed(_name, _ends[m.Port].ToString(), m.Errno));
                else if (++_attached == 2) _creator?.Tell(new LinkReady(_name));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Transmit(int fromPort, ReadOnlyMemory<byte> frame)
    {
        var counter = _counters[fromPort];
        counter.Offer();
        var p = _parameters;
        if (!p.Up) { counter.Drop("down"); return; }
        if (p.Loss > 0 && _random.NextDouble() < p.Loss) { counter.Drop("loss"); return; }

        var now = Now;
        var wire = _wires[fromPort];
        // The queue limit counts frames waiting for the wire, not the one being serialized (as tc/netem do).
        while (wire.WaitingStarts.Count > 0 && wire.WaitingStarts.Peek() <= now) wire.WaitingStarts.Dequeue();
        var start = wire.FreeAt > now ? wire.FreeAt : now;
        if (start > now && wire.WaitingStarts.Count >= p.QueueLimit) { counter.Drop("queue-full"); return; }

        var serialization = p.RateBitsPerSecond > 0
            ? TimeSpan.FromTicks((long)Math.Ceiling(frame.Length * 8.0 * TimeSpan.TicksPerSecond / p.RateBitsPerSecond))
            : TimeSpan.Zero;
        var departure = start + serialization;
        wire.FreeAt = departure;
        if (start > now) wire.WaitingStarts.Enqueue(start);

        var jitter = p.Jitter > TimeSpan.Zero ? TimeSpan.FromTicks((long)(_random.NextDouble() * p.Jitter.Ticks)) : TimeSpan.Zero;
        var arrival = departure + p.Delay + jitter;
        var direction = fromPort;
        if (arrival <= now)
        {
            Deliver(direction, frame); // an ideal cable: no timer, no reordering
            return;
        }
        counter.Launch();
        _onWire.Add(new Arrival(direction, frame), arrival, now, Timers);
    }

    private void DeliverDue()
    {
        foreach (var arrival in _onWire.TakeDue(Now, Timers))
        {
            _counters[arrival.Direction].Land();
            Deliver(arrival.Direction, arrival.Frame);
        }
    }

    private void Deliver(int direction, ReadOnlyMemory<byte> frame)
    {
        if (!_parameters.Up) { _counters[direction].Drop("down"); return; }
        _counters[direction].Deliver();
        _ports[1 - direction].Tell(new PortWrite(frame));
    }
}
