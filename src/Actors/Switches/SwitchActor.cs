using NetSim.Actors.Time;
using Akka.Actor;
using Akka.Event;
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
public sealed class SwitchActor : UntypedActor
{
    private readonly string _name;
    private readonly NicEndpoint[] _endpoints;
    private readonly TimeSpan _ageing;
    private readonly TimeSpan _delay;
    private readonly DelayLine<(int Port, ReadOnlyMemory<byte> Frame)> _forwarding = new(ForwardDue.Instance, Context.System.Scheduler, Context.Self);

    /// <summary>The wake-up's message: frames whose forwarding delay is over (one instance; dies quietly should the switch be gone).</summary>
    private sealed class ForwardDue : IDeadLetterSuppression
    {
        public static readonly ForwardDue Instance = new();
    }
    private readonly IActorRef? _creator;
    private readonly IActorRef[] _ports;
    private readonly PortWriters _writers;
    private readonly Dictionary<MacAddress, (int Port, TimeSpan LastSeen)> _macTable = [];
    // Per port, its two wires: ingress (the NIC to the switch) and egress (the switch to the NIC).
    private readonly WireCounter[] _ingress, _egress;
    private readonly WireTotals _totals; // each port's ingress, then its egress
    private int _attached;

    private readonly IReadOnlyList<Func<int, IActorRef, Props>> _otherPorts;

    /// <summary>
    /// A switch called <paramref name="name"/>; use <see cref="Props"/>. <paramref name="otherPorts"/>: ports that are
    /// not NICs (a bridge's kernel device), as Props of an actor speaking the port protocol given its index and owner;
    /// they follow the NIC ports.
    /// </summary>
    public SwitchActor(string name, IReadOnlyList<NicEndpoint> endpoints, TimeSpan ageing, IActorRef? creator, TimeSpan delay = default,
        IReadOnlyList<Func<int, IActorRef, Props>>? otherPorts = null)
    {
        _name = name;
        _endpoints = [.. endpoints];
        _ageing = ageing;
        _delay = delay;
        _creator = creator;
        _otherPorts = otherPorts ?? [];
        _ports = new IActorRef[_endpoints.Length + _otherPorts.Count];
        _writers = new PortWriters(_ports);
        _ingress = [.. Enumerable.Range(0, _ports.Length).Select(i => new WireCounter(PortName(i), name))];
        _egress = [.. Enumerable.Range(0, _ports.Length).Select(i => new WireCounter(name, PortName(i)))];
        _totals = new WireTotals(name, [.. _ingress.Zip(_egress).SelectMany(p => new[] { p.First, p.Second })]);
    }

    /// <summary>A learning switch with one port per TAP NIC of <paramref name="endpoints"/> (and per <paramref name="otherPorts"/>); <paramref name="creator"/> hears LinkReady or LinkFailed once every port attached.</summary>
    public static Props Props(string name, IReadOnlyList<NicEndpoint> endpoints, TimeSpan ageing, IActorRef? creator = null, TimeSpan delay = default,
        IReadOnlyList<Func<int, IActorRef, Props>>? otherPorts = null) =>
        Akka.Actor.Props.Create(() => new SwitchActor(name, endpoints, ageing, creator, delay, otherPorts)).WithSimDispatcher();

    // A NIC port is named after its NIC (host.nic); a port that is not a NIC after its index.
    private string PortName(int port) => port < _endpoints.Length ? _endpoints[port].ToString() : $"port {port}";

    private readonly SimClock _clock = SimClock.For(Context.System);
    private TimeSpan Now => _clock.Elapsed;

    /// <inheritdoc />
    protected override void PreStart()
    {
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (!_endpoints[i].IsTap) throw new ArgumentException($"switch {_name}: port {_endpoints[i]} is not a TAP NIC");
            _ports[i] = Context.ActorOf(PortActor.Props(i, _endpoints[i], Self, directWrites: true), "port-" + i);
        }
        for (var i = _endpoints.Length; i < _ports.Length; i++)
            _ports[i] = Context.ActorOf(_otherPorts[i - _endpoints.Length](i, Self), "port-" + i);
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortFrames m:
                for (var i = 0; i < m.Count; i++) Switch(m.Port, m[i]);
                break;
            case ForwardDue:
                foreach (var (port, frame) in _forwarding.TakeDue(Now))
                {
                    _egress[port].Land();
                    Forward(port, frame);
                }
                break;
            case PortWriteFailed m:
                _egress[m.Port].Undeliver(m.Reason, m.Frames);
                break;
            case GetLinkCounters:
                Sender.Tell(_totals.Snapshot(_ingress.Sum(w => w.Offered), _egress.Sum(w => w.Delivered), _forwarding.Count));
                break;
            case GetMacTable:
                Sender.Tell(new MacTable(_macTable.Where(e => Now - e.Value.LastSeen < _ageing)
                    .OrderBy(e => e.Key.Value).Select(e => new MacTableEntry(e.Key, e.Value.Port)).ToList()));
                break;
            case PortClosed m:
                _writers.Closed(m);
                break;
            case PortAttached m:
                _writers.Attached(m);
                if (m.Errno != Errno.None) _creator?.Tell(new LinkFailed(_name, PortName(m.Port), m.Errno));
                else if (++_attached == _ports.Length) _creator?.Tell(new LinkReady(_name));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Switch(int ingress, ReadOnlyMemory<byte> frame)
    {
        var counter = _ingress[ingress];
        counter.Offer();
        if (!EthernetHeader.Check(frame.Span)) { counter.Drop("malformed"); return; }
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
                if (entry.Port == ingress) { counter.Drop("filtered"); return; }
                counter.Deliver();
                Send(entry.Port, frame);
                return;
            }
        }
        if (_ports.Length < 2) { counter.Drop("no-port"); return; } // nowhere to flood to
        counter.Deliver(); // into the switch: the copies it floods are counted on each egress wire
        for (var p = 0; p < _ports.Length; p++)
            if (p != ingress) Send(p, frame);
    }

    private void Send(int port, ReadOnlyMemory<byte> frame)
    {
        _egress[port].Offer();
        if (_delay <= TimeSpan.Zero) { Forward(port, frame); return; }
        _egress[port].Launch();
        _forwarding.Add((port, frame), Now + _delay, Now);
    }

    private void Forward(int port, ReadOnlyMemory<byte> frame)
    {
        _egress[port].Deliver();
        _writers.Write(port, frame);
    }
}
