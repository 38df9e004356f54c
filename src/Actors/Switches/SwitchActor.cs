using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Actors.Links;
using NetSim.Protocol;
using NetSim.Protocol.Links;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Switches;

/// <summary>
/// A learning Ethernet switch: one <see cref="PortActor"/> per TAP NIC plugged into it. It learns which port each
/// source MAC lives behind, forwards a frame to the port its destination was learned on, and floods broadcast,
/// multicast and unknown destinations to every other port. A learned entry ages out after the ageing time
/// (read from the scheduler's clock, so virtual time ages it too). A frame for the port it came from is filtered;
/// a frame too short for an Ethernet header is dropped as malformed; both are counted. A forwarding delay, when
/// set, holds every frame that long before it leaves (store-and-forward latency).
/// </summary>
public sealed class SwitchActor : UntypedActor, IWithTimers
{
    private readonly string _name;
    private readonly NicEndpoint[] _endpoints;
    private readonly TimeSpan _ageing;
    private readonly TimeSpan _delay;
    private readonly DelayLine<(int Port, ReadOnlyMemory<byte> Frame)> _forwarding = new("forward", ForwardDue.Instance);

    /// <summary>The timer's message: frames whose forwarding delay is over.</summary>
    private sealed class ForwardDue
    {
        public static readonly ForwardDue Instance = new();
    }

    /// <summary>Set by Akka (IWithTimers).</summary>
    public ITimerScheduler Timers { get; set; } = null!;
    private readonly IActorRef? _creator;
    private readonly IActorRef[] _ports;
    private readonly Dictionary<MacAddress, (int Port, TimeSpan LastSeen)> _macTable = [];
    private readonly DropCounter _drops = new();
    private long _taken, _delivered;
    private int _attached;

    /// <summary>A switch called <paramref name="name"/>; use <see cref="Props"/>.</summary>
    public SwitchActor(string name, IReadOnlyList<NicEndpoint> endpoints, TimeSpan ageing, IActorRef? creator, TimeSpan delay = default)
    {
        _name = name;
        _endpoints = [.. endpoints];
        _ageing = ageing;
        _delay = delay;
        _creator = creator;
        _ports = new IActorRef[_endpoints.Length];
    }

    /// <summary>A learning switch with one port per TAP NIC of <paramref name="endpoints"/>; <paramref name="creator"/> hears LinkReady or LinkFailed once every port attached.</summary>
    public static Props Props(string name, IReadOnlyList<NicEndpoint> endpoints, TimeSpan ageing, IActorRef? creator = null, TimeSpan delay = default) =>
        Akka.Actor.Props.Create(() => new SwitchActor(name, endpoints, ageing, creator, delay)).WithSimDispatcher();

    private readonly SimClock _clock = SimClock.For(Context.System);
    private TimeSpan Now => _clock.Elapsed;

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (!_endpoints[i].IsTap) throw new ArgumentException($"switch {_name}: port {_endpoints[i]} is not a TAP NIC");
            _ports[i] = Context.ActorOf(PortActor.Props(i, _endpoints[i], Self), "port-" + i);
        }
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortFrames m:
                foreach (var frame in m.Frames) Switch(m.Port, frame);
                break;
            case ForwardDue:
                foreach (var (port, frame) in _forwarding.TakeDue(Now, Timers)) Forward(port, frame);
                break;
            case PortWriteFailed m:
                _delivered--;
                _drops.Count("write-failed:" + m.Errno);
                break;
            case GetLinkCounters:
                Sender.Tell(new LinkCounters(_name, _taken, _delivered, _drops.Total, _forwarding.Count, _drops.Snapshot()));
                break;
            case GetMacTable:
                Sender.Tell(new MacTable(_macTable.Where(e => Now - e.Value.LastSeen < _ageing)
                    .OrderBy(e => e.Key.Value).Select(e => new MacTableEntry(e.Key, e.Value.Port)).ToList()));
                break;
            case PortAttached m:
                if (m.Errno != Errno.None) _creator?.Tell(new LinkFailed(_name, _endpoints[m.Port].ToString(), m.Errno));
                else if (++_attached == _ports.Length) _creator?.Tell(new LinkReady(_name));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Switch(int ingress, ReadOnlyMemory<byte> frame)
    {
        _taken++;
        if (!EthernetHeader.Check(frame.Span)) { _drops.Count("malformed"); return; }
        var eth = EthernetHeader.Parse(frame.Span);
        var now = Now;
        if (!eth.Source.IsMulticast) _macTable[eth.Source] = (ingress, now);

        var dst = eth.Destination;
        if (!dst.IsMulticast && _macTable.TryGetValue(dst, out var entry))
        {
            if (now - entry.LastSeen >= _ageing)
            {
                _macTable.Remove(dst); // aged out: flood as if never seen
            }
            else
            {
                if (entry.Port == ingress) { _drops.Count("filtered"); return; }
                Send(entry.Port, frame);
                return;
            }
        }
        for (var p = 0; p < _ports.Length; p++)
            if (p != ingress) Send(p, frame);
    }

    private void Send(int port, ReadOnlyMemory<byte> frame)
    {
        if (_delay > TimeSpan.Zero) _forwarding.Add((port, frame), Now + _delay, Now, Timers);
        else Forward(port, frame);
    }

    private void Forward(int port, ReadOnlyMemory<byte> frame)
    {
        _delivered++;
        _ports[port].Tell(new PortWrite(frame));
    }
}
