using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Scenario.Running;
using GetNicCounters = NetSim.Protocol.Nic.GetNicCounters;
using ProtocolNicCounters = NetSim.Protocol.Nic.NicCounters;

namespace NetSim.Scenario.TimeSeries;

/// <summary>
/// Gathers the counters of every NIC, link and switch of a run in one request: the sampler asks it once per sample
/// (one Ask instead of one per NIC and link: asks are what a sample costs) and it fans out inside the actor system.
/// A NIC is looked up through its host: one removed by close-devices is reported missing, not waited for.
/// </summary>
/// <remarks>
/// A sample costs a few messages per NIC and link, every interval, whatever the traffic: at 1,000 hosts and the
/// default 100 ms that was as many messages as the frames themselves. With <c>readViews</c> (virtual time) a NIC found
/// once, and every link, is asked once for a <see cref="CounterView{T}"/>, which later samples read inside the
/// collector's own turn: no message per NIC or link at all (a sample is one <see cref="Collect"/> and its answer). A
/// virtual-time sample runs only once its instant is drained, so nothing else runs meanwhile and a view reads what the
/// NIC or link would have answered. A NIC's view is dropped when it stops: the collector watches it, the NIC's
/// termination reaches the collector in the same instant its stack forgets it, so the views and the stack agree at
/// every sample. (Not the event stream's <c>NicFinalCounters</c>: subscribing makes Akka's unsubscriber watch the
/// collector from another thread, and that made reruns differ.) In real time actors run on other threads, so every
/// sample asks the hosts, links and switches; switches are always asked.
/// </remarks>
internal sealed class CounterCollector : UntypedActor
{
    /// <summary>Asks for a <see cref="CounterSnapshot"/>.</summary>
    public sealed class Collect
    {
        public static readonly Collect Instance = new();
    }

    /// <summary>Counters by NIC (<c>host.nic</c>; absent when the NIC is gone) and by link or switch actor name; valid
    /// until the next <see cref="Collect"/> (the collector refills the same maps).</summary>
    public sealed record CounterSnapshot(IReadOnlyDictionary<string, ProtocolNicCounters> Nics, IReadOnlyDictionary<string, LinkCounters> Links);

    /// <summary>One NIC of one host: its key in the snapshot and, once looked up (when reading views), its actor and view.</summary>
    private sealed class NicSlot(IActorRef host, string nic, string key)
    {
        public readonly IActorRef Host = host;
        public readonly string Key = key;
        public readonly LookupNic Lookup = new(nic); // made once: a sample asks for every NIC of the run
        public IActorRef? Actor;
        public CounterView<ProtocolNicCounters>? View;
    }

    /// <summary>A link or switch: its name in the snapshot and, once asked (links, when reading views), its view.</summary>
    private sealed class LinkSlot(IActorRef actor, string name, bool viewable)
    {
        public readonly IActorRef Actor = actor;
        public readonly string Name = name;
        public readonly bool Viewable = viewable;
        public CounterView<LinkCounters>? View;
    }

    private readonly bool _readViews;
    private readonly NicSlot[] _slots; // hosts in order, each host's NICs in order
    private readonly LinkSlot[] _linkSlots; // links, then switches
    private readonly Dictionary<IActorRef, Queue<NicSlot>> _pendingLookups = [];
    private readonly ActorKeyed<NicSlot> _nicSlots = new();
    private readonly ActorKeyed<LinkSlot> _links = new();
    private readonly Dictionary<string, ProtocolNicCounters> _nics;
    private readonly Dictionary<string, LinkCounters> _linkCounters;
    private IActorRef? _asker;
    private int _outstanding;

    /// <summary>
    /// <paramref name="links"/> answer views when <paramref name="readViews"/>; <paramref name="switches"/> are asked for
    /// their counters at every sample (SwitchActor answers only <see cref="GetLinkCounters"/>).
    /// </summary>
    public CounterCollector(IReadOnlyList<(string Host, IActorRef Ref, IReadOnlyList<string> Nics)> hosts,
        IReadOnlyList<(IActorRef Actor, string Name)> links, IReadOnlyList<(IActorRef Actor, string Name)> switches, bool readViews)
    {
        _readViews = readViews;
        _slots = [.. hosts.SelectMany(h => h.Nics.Select(n => new NicSlot(h.Ref, n, $"{h.Host}.{n}")))];
        _linkSlots = [.. links.Select(l => new LinkSlot(l.Actor, l.Name, readViews)), .. switches.Select(s => new LinkSlot(s.Actor, s.Name, false))];
        foreach (var slot in _linkSlots) _links.Add(slot.Actor, slot);
        _nics = new Dictionary<string, ProtocolNicCounters>(_slots.Length);
        _linkCounters = new Dictionary<string, LinkCounters>(_linkSlots.Length);
    }

    /// <summary>
    /// Starts the collector of <paramref name="session"/> (actor <c>timeseries-collector</c>) over the scenario's hosts
    /// that are in <paramref name="hosts"/> (a partition has only its own), <paramref name="links"/> and
    /// <paramref name="switches"/> (<c>links.NAME</c> and <c>switches.NAME</c> in the snapshot); views in virtual time.
    /// </summary>
    public static IActorRef For(SimulationSession session, Scenario scenario, IReadOnlyDictionary<string, IActorRef> hosts,
        IReadOnlyDictionary<string, IActorRef> links, IReadOnlyDictionary<string, IActorRef> switches) =>
        session.ActorOf(Props(
            [.. scenario.Hosts.Where(h => hosts.ContainsKey(h.Name)).Select(h => (h.Name, hosts[h.Name], (IReadOnlyList<string>)[.. h.Nics.Select(n => n.Name)]))],
            [.. links.Select(l => (l.Value, "links." + l.Key))],
            [.. switches.Select(s => (s.Value, "switches." + s.Key))],
            readViews: session.IsVirtual),
            "timeseries-collector");

    private static Props Props(IReadOnlyList<(string Host, IActorRef Ref, IReadOnlyList<string> Nics)> hosts,
        IReadOnlyList<(IActorRef Actor, string Name)> links, IReadOnlyList<(IActorRef Actor, string Name)> switches, bool readViews) =>
        Akka.Actor.Props.Create(() => new CounterCollector(hosts, links, switches, readViews)).WithSimDispatcher();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Collect:
                _asker = Sender;
                // The same two maps every sample: a snapshot is read (or copied, by a partition) within its sample, and the
                // next Collect comes with the next sample.
                _nics.Clear();
                _linkCounters.Clear();
                _outstanding = 0;
                foreach (var slot in _slots)
                {
                    if (slot.View is { } view)
                    {
                        _nics[slot.Key] = view.Read();
                        continue;
                    }
                    var pending = _pendingLookups.TryGetValue(slot.Host, out var q) ? q : _pendingLookups[slot.Host] = new Queue<NicSlot>();
                    pending.Enqueue(slot);
                    slot.Host.Tell(slot.Lookup);
                    _outstanding++;
                }
                foreach (var link in _linkSlots)
                {
                    if (link.View is { } view)
                    {
                        _linkCounters[link.Name] = view.Read();
                        continue;
                    }
                    link.Actor.Tell(link.Viewable ? GetCounterView.Instance : GetLinkCounters.Instance);
                    _outstanding++;
                }
                break;
            case NicInfo info:
                // The host answers lookups in the order they were sent.
                var found = _pendingLookups[Sender].Dequeue();
                _nicSlots.Add(info.Nic, found);
                if (_readViews && found.Actor is null)
                {
                    found.Actor = info.Nic;
                    Context.Watch(info.Nic);
                    info.Nic.Tell(GetCounterView.Instance);
                }
                else
                {
                    info.Nic.Tell(GetNicCounters.Instance);
                }
                return; // still outstanding: the counters follow
            case OperationFailed:
                _pendingLookups[Sender].Dequeue(); // that NIC is gone
                break;
            case ProtocolNicCounters counters:
                _nics[_nicSlots[Sender].Key] = counters;
                break;
            case CounterView<ProtocolNicCounters> nicView:
                var slotOfView = _nicSlots[Sender];
                if (slotOfView.Actor is { } asked && asked.Equals(Sender)) slotOfView.View = nicView;
                _nics[slotOfView.Key] = nicView.Read();
                break;
            case LinkCounters counters:
                _linkCounters[_links[Sender].Name] = counters;
                break;
            case CounterView<LinkCounters> linkView:
                var linkSlot = _links[Sender];
                linkSlot.View = linkView;
                _linkCounters[linkSlot.Name] = linkView.Read();
                break;
            case Terminated t:
                // That NIC stopped: look its name up again at the next sample (a new NIC may take it).
                if (_nicSlots.TryGet(t.ActorRef) is { Actor: { } cached } gone && cached.Equals(t.ActorRef))
                {
                    gone.Actor = null;
                    gone.View = null;
                }
                return;
            default:
                Unhandled(message);
                return;
        }
        if (message is not Collect) _outstanding--;
        if (_outstanding == 0 && _asker is not null)
        {
            _asker.Tell(new CounterSnapshot(_nics, _linkCounters));
            _asker = null;
        }
    }

    /// <summary>
    /// Values by actor, found by reference first: an answer's sender is the very reference that was asked nearly always
    /// (a NIC is its stack's local child), and an <see cref="IActorRef"/>'s own equality hashes its whole path, which was
    /// a sizeable share of a sample. Other references to the same actor are found by path as before.
    /// </summary>
    private sealed class ActorKeyed<T>
    {
        private readonly Dictionary<IActorRef, T> _byReference = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<IActorRef, T> _byPath = [];

        public IEnumerable<IActorRef> Actors => _byPath.Keys;

        public int Count => _byPath.Count;

        public void Add(IActorRef actor, T value)
        {
            _byPath[actor] = value;
            _byReference[actor] = value;
        }

        public T? TryGet(IActorRef actor) => _byReference.TryGetValue(actor, out var value) || _byPath.TryGetValue(actor, out value) ? value : default;

        public T this[IActorRef actor]
        {
            get
            {
                if (_byReference.TryGetValue(actor, out var value)) return value;
                value = _byPath[actor];
                _byReference[actor] = value;
                return value;
            }
        }
    }
}
