using NetSim.Actors.Time;
using Akka.Actor;
using Akka.Event;
using NetSim.Protocol;
using NetSim.Protocol.Links;

namespace NetSim.Actors.Links;

/// <summary>
/// A cable between two NICs (on the same or different hosts), made of a <see cref="PortActor"/> on each end.
/// The NIC pushes what its stack sends straight to the link; the link writes what arrives straight into the far NIC
/// on behalf of that end's port (whose attachment authorises it), so a frame passes no port on its way.
/// Each direction has its own wire: a frame is lost with the loss probability, waits for the wire when the rate is
/// limited (at most QueueLimit frames wait; more are dropped), takes its serialization time, then arrives after the
/// delay plus a uniform jitter. Frames on the wire when the link goes down are lost. All time comes from the
/// actor system's scheduler (virtual time in virtual mode) and all chance from the seeded generator of the direction
/// (one stream per direction, so one direction's draws never depend on the other's traffic).
/// Every frame taken is delivered, dropped with a reason, or in flight.
/// </summary>
/// <remarks>
/// In a partitioned run a link whose ends lie in different partitions is built in both as a half (<see cref="LinkHalf"/>)
/// with the same name: each half has only its local port; the sending half applies loss, queue, rate and jitter and
/// hands the frame with its arrival time to the outbox; the receiving half gets it back as <see cref="CrossArrivals"/>
/// before that time and delivers it as a whole link would. Each half counts what it saw of a direction (the sender
/// offered, dropped and launched; the receiver landed, delivered or dropped); the halves' counters add up to a whole
/// link's.
/// </remarks>
public sealed class LinkActor : UntypedActor
{
    private readonly string _name;
    private readonly NicEndpoint[] _ends;
    private readonly IActorRef? _creator;
    private readonly SimRandom[] _random; // per direction
    private readonly LinkHalf _half;
    private LinkParameters _parameters;
    private readonly IActorRef[] _ports = new IActorRef[2];
    private readonly PortWriters _writers;
    private readonly Wire[] _wires = [new(), new()];
    private readonly WireCounter[] _counters; // per direction: 0 is a to b, 1 is b to a
    private readonly WireTotals _totals;
    private int _attached;

    /// <summary>One direction's transmitter: when the wire is next free, and when each waiting frame will start.</summary>
    private sealed class Wire
    {
        public TimeSpan FreeAt;
        public readonly Queue<TimeSpan> WaitingStarts = new();
    }

    /// <summary>A frame on its way to the far end of direction <paramref name="Direction"/> (0: a to b, 1: b to a).</summary>
    private readonly record struct Arrival(int Direction, ReadOnlyMemory<byte> Frame);

    /// <summary>
    /// The wake-up's message: deliver every frame whose arrival time has come. One instance for every wake-up; one that
    /// outlives its link (stopped with frames on the wire, which count as in flight) dies quietly.
    /// </summary>
    private sealed class ArrivalDue : IDeadLetterSuppression
    {
        public static readonly ArrivalDue Instance = new();
    }

    private readonly DelayLine<Arrival> _onWire = new(ArrivalDue.Instance, Context.System.Scheduler, Context.Self);

    /// <summary>A link between <paramref name="a"/> and <paramref name="b"/>; use <c>Props</c>.</summary>
    public LinkActor(string name, NicEndpoint a, NicEndpoint b, LinkParameters parameters, IActorRef? creator, LinkHalf half)
    {
        _half = half;
        _name = name;
        _ends = [a, b];
        _counters = [new WireCounter(a.ToString(), b.ToString()), new WireCounter(b.ToString(), a.ToString())];
        _totals = new WireTotals(name, _counters);
        _parameters = parameters;
        // Loss and jitter draw from a stream per direction, derived from the run's seed by the link's name, so that a
        // direction's draws are the same whether or not the other direction is simulated in the same process.
        var seed = SimSeed.For(Context.System);
        _random = [seed.Stream("link/" + name + "/a-to-b"), seed.Stream("link/" + name + "/b-to-a")];
        _creator = creator;
        _writers = new PortWriters(_ports);
    }

    /// <summary>A link named <paramref name="name"/> between <paramref name="a"/> and <paramref name="b"/>; <paramref name="creator"/> hears <see cref="LinkReady"/> or <see cref="LinkFailed"/>.</summary>
    public static Props Props(string name, NicEndpoint a, NicEndpoint b, LinkParameters parameters, IActorRef? creator = null) =>
        Props(name, a, b, parameters, creator, LinkHalf.Whole);

    /// <summary>As <see cref="Props(string, NicEndpoint, NicEndpoint, LinkParameters, IActorRef?)"/>, for the ends
    /// <paramref name="half"/> says are simulated here (the endpoint of a remote end only lends its name).</summary>
    public static Props Props(string name, NicEndpoint a, NicEndpoint b, LinkParameters parameters, IActorRef? creator, LinkHalf half) =>
        SimDispatcher.Props<LinkActor>(name, a, b, parameters, creator, half);

    private readonly SimClock _clock = SimClock.For(Context.System);
    private TimeSpan Now => _clock.Elapsed;

    /// <summary>The answer to <see cref="GetLinkCounters"/>, also what a <see cref="CounterView{T}"/> of this link reads.</summary>
    private LinkCounters CountersNow() => _totals.Snapshot(_counters[0].Offered + _counters[1].Offered, _counters[0].Delivered + _counters[1].Delivered,
        _counters[0].InFlight + _counters[1].InFlight);

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (var i = 0; i < 2; i++)
            if (_half.IsLocal(i)) _ports[i] = Context.ActorOf(PortActor.Props(i, _ends[i], Self, directWrites: true), "port-" + (i == 0 ? "a" : "b"));
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortFrames m:
                for (var i = 0; i < m.Count; i++) Transmit(m.Port, m[i]);
                break;
            case ArrivalDue:
                DeliverDue();
                break;
            case CrossArrivals m:
                // Launched (and counted in flight) by the sending half; they land here.
                foreach (var f in m.Frames) _onWire.Add(new Arrival(f.Direction, f.Frame), f.Arrival, Now);
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
                Sender.Tell(CountersNow());
                break;
            case GetCounterView:
                Sender.Tell(new CounterView<LinkCounters>(CountersNow));
                break;
            case PortClosed m:
                _writers.Closed(m);
                break;
            case PortAttached m:
                _writers.Attached(m);
                if (m.Errno != Errno.None) _creator?.Tell(new LinkFailed(_name, _ends[m.Port].ToString(), m.Errno));
                else if (++_attached == (_half.LocalEnd < 0 ? 2 : 1)) _creator?.Tell(new LinkReady(_name));
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
        var random = _random[fromPort];
        if (p.Loss > 0 && random.NextDouble() < p.Loss) { counter.Drop("loss"); return; }

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

        var jitter = p.Jitter > TimeSpan.Zero ? TimeSpan.FromTicks((long)(random.NextDouble() * p.Jitter.Ticks)) : TimeSpan.Zero;
        var arrival = departure + p.Delay + jitter;
        var direction = fromPort;
        if (arrival <= now)
        {
            Deliver(direction, frame); // an ideal cable: no timer, no reordering
            return;
        }
        counter.Launch();
        if (!_half.IsLocal(1 - direction))
        {
            _half.Outbox!.Send(_name, direction, arrival, frame);
            return;
        }
        _onWire.Add(new Arrival(direction, frame), arrival, now);
    }

    private void DeliverDue()
    {
        foreach (var arrival in _onWire.TakeDue(Now))
        {
            _counters[arrival.Direction].Land();
            Deliver(arrival.Direction, arrival.Frame);
        }
    }

    private void Deliver(int direction, ReadOnlyMemory<byte> frame)
    {
        if (!_parameters.Up) { _counters[direction].Drop("down"); return; }
        _counters[direction].Deliver();
        _writers.Write(1 - direction, frame);
    }
}
