using Akka.Actor;
using NetSim.Actors.Time;

namespace NetSim.Actors.Tests.Time;

/// <summary>Thread-safe record of (simulated time, event) lines, the thing two runs are compared by.</summary>
internal sealed class EventLog
{
    private readonly List<string> _lines = [];

    public void Add(TimeSpan at, string who, string what)
    {
        lock (_lines) _lines.Add($"{at.TotalMilliseconds,10:F3}ms {who} {what}");
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }
}

internal sealed record Tick;
internal sealed record Peers(IReadOnlyList<IActorRef> Refs);
internal sealed record Ping(int Seq, string From);
internal sealed record Pong(int Seq, string From);

/// <summary>
/// A host-like actor: on each periodic timer tick it picks a random peer, "loses" the ping with some probability or
/// delivers it after a random link delay (a scheduled Tell), and answers pings after a random delay.
/// </summary>
internal sealed class NodeActor : ReceiveActor, IWithTimers
{
    private readonly string _name;
    private readonly EventLog _log;
    private readonly IActorRef? _observer;
    private SimRandom _rng = null!;
    private IReadOnlyList<IActorRef> _peers = [];
    private int _seq;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeActor(string name, TimeSpan period, EventLog log, IActorRef? observer)
    {
        _name = name;
        _log = log;
        _observer = observer;

        Receive<Peers>(p => _peers = p.Refs);
        Receive<Tick>(_ => OnTick());
        Receive<Ping>(p =>
        {
            Record($"ping#{p.Seq} from {p.From}");
            var delay = _rng.NextTimeSpan(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));
            Context.System.Scheduler.ScheduleTellOnce(delay, Sender, new Pong(p.Seq, _name), Self);
        });
        Receive<Pong>(p =>
        {
            Record($"pong#{p.Seq} from {p.From}");
            _observer?.Tell(p);
        });

        Timers.StartPeriodicTimer("tick", new Tick(), period);
    }

    public static Props Props(string name, TimeSpan period, EventLog log, IActorRef? observer = null) =>
        Akka.Actor.Props.Create(() => new NodeActor(name, period, log, observer)).WithSimDispatcher();

    protected override void PreStart()
    {
        _rng = SimSeed.For(Context.System).Stream("node/" + _name);
        Record("started");
    }

    private void OnTick()
    {
        if (_peers.Count == 0) return;
        var seq = ++_seq;
        var peer = _peers[_rng.Next(_peers.Count)];
        if (_rng.Chance(0.2))
        {
            Record($"lost ping#{seq} to {peer.Path.Name}");
            return;
        }
        var delay = _rng.NextTimeSpan(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20));
        Record($"send ping#{seq} to {peer.Path.Name} delay {delay.TotalMilliseconds:F3}ms");
        Context.System.Scheduler.ScheduleTellOnce(delay, peer, new Ping(seq, _name), Self);
    }

    private void Record(string what) => _log.Add(Context.SimElapsed(), _name, what);
}

/// <summary>Parent of the nodes (children must ask for netsim.dispatcher themselves) and wires them together.</summary>
internal sealed class HubActor : ReceiveActor
{
    public HubActor(int nodes, EventLog log, IActorRef? observer)
    {
        // Periods 10, 20, 30 ms collide on multiples of 60 ms: exercises the (due, sequence) tie-break.
        var refs = Enumerable.Range(0, nodes)
            .Select(i => Context.ActorOf(NodeActor.Props($"n{i}", TimeSpan.FromMilliseconds(10 * (i % 3 + 1)), log, observer), $"n{i}"))
            .ToArray();
        foreach (var r in refs)
        {
            r.Tell(new Peers(refs.Where(p => !p.Equals(r)).ToArray()));
        }
        ReceiveAny(_ => { });
    }

    public static Props Props(int nodes, EventLog log, IActorRef? observer = null) =>
        Akka.Actor.Props.Create(() => new HubActor(nodes, log, observer)).WithSimDispatcher();
}

/// <summary>Counts ticks of a fixed-rate timer.</summary>
internal sealed class TickCounter : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    public TickCounter(TimeSpan period, Box<long> count, Box<TimeSpan> lastTick)
    {
        Receive<Tick>(_ =>
        {
            count.Value++;
            lastTick.Value = Context.SimElapsed();
        });
        Timers.StartPeriodicTimer("tick", new Tick(), period);
    }
}

internal sealed class Box<T>(T value)
{
    public T Value { get; set; } = value;
}
