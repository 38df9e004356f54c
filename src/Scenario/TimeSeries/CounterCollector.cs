using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
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
/// default 100 ms that was as many messages as the frames themselves. With <c>cacheNics</c> (virtual time) a NIC found
/// once is asked directly at later samples (2 messages instead of 4) until it stops: the collector watches it, the
/// NIC's termination reaches the collector in the same instant its stack forgets it, and a virtual-time sample runs
/// only once its instant is drained, so the cache and the stack agree at every sample. (Not the event stream's
/// <c>NicFinalCounters</c>: subscribing makes Akka's unsubscriber watch the collector from another thread, and that
/// made reruns differ.) In real time a NIC can stop between the two, so every sample asks the hosts.
/// </remarks>
internal sealed class CounterCollector : UntypedActor
{
    /// <summary>Asks for a <see cref="CounterSnapshot"/>.</summary>
    public sealed class Collect
    {
        public static readonly Collect Instance = new();
    }

    /// <summary>Counters by NIC (<c>host.nic</c>; absent when the NIC is gone) and by link or switch actor name.</summary>
    public sealed record CounterSnapshot(IReadOnlyDictionary<string, ProtocolNicCounters> Nics, IReadOnlyDictionary<string, LinkCounters> Links);

    /// <summary>One NIC of one host: its key in the snapshot and, once looked up (when caching), its actor.</summary>
    private sealed class NicSlot(IActorRef host, string nic, string key)
    {
        public readonly IActorRef Host = host;
        public readonly string Key = key;
        public readonly LookupNic Lookup = new(nic); // made once: a sample asks for every NIC of the run
        public IActorRef? Actor;
    }

    private readonly bool _cacheNics;
    private readonly NicSlot[] _slots; // hosts in order, each host's NICs in order
    private readonly Dictionary<IActorRef, Queue<NicSlot>> _pendingLookups = [];
    private readonly ActorKeyed<NicSlot> _nicSlots = new();
    private readonly ActorKeyed<string> _links = new();
    private Dictionary<string, ProtocolNicCounters> _nics = [];
    private Dictionary<string, LinkCounters> _linkCounters = [];
    private IActorRef? _asker;
    private int _outstanding;

    public CounterCollector(IReadOnlyList<(string Host, IActorRef Ref, IReadOnlyList<string> Nics)> hosts, IReadOnlyDictionary<IActorRef, string> links, bool cacheNics)
    {
        _cacheNics = cacheNics;
        _slots = [.. hosts.SelectMany(h => h.Nics.Select(n => new NicSlot(h.Ref, n, $"{h.Host}.{n}")))];
        foreach (var (link, name) in links) _links.Add(link, name);
    }

    public static Props Props(IReadOnlyList<(string Host, IActorRef Ref, IReadOnlyList<string> Nics)> hosts, IReadOnlyDictionary<IActorRef, string> links, bool cacheNics) =>
        Akka.Actor.Props.Create(() => new CounterCollector(hosts, links, cacheNics)).WithSimDispatcher();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Collect:
                _asker = Sender;
                // Sized for every answer: these maps are handed out with the snapshot, so they are new each sample.
                _nics = new Dictionary<string, ProtocolNicCounters>(_slots.Length);
                _linkCounters = new Dictionary<string, LinkCounters>(_links.Count);
                _outstanding = 0;
                foreach (var slot in _slots)
                {
                    if (slot.Actor is { } nic)
                    {
                        nic.Tell(GetNicCounters.Instance);
                    }
                    else
                    {
                        var pending = _pendingLookups.TryGetValue(slot.Host, out var q) ? q : _pendingLookups[slot.Host] = new Queue<NicSlot>();
                        pending.Enqueue(slot);
                        slot.Host.Tell(slot.Lookup);
                    }
                    _outstanding++;
                }
                foreach (var link in _links.Actors)
                {
                    link.Tell(GetLinkCounters.Instance);
                    _outstanding++;
                }
                break;
            case NicInfo info:
                // The host answers lookups in the order they were sent.
                var found = _pendingLookups[Sender].Dequeue();
                _nicSlots.Add(info.Nic, found);
                if (_cacheNics && found.Actor is null)
                {
                    found.Actor = info.Nic;
                    Context.Watch(info.Nic);
                }
                info.Nic.Tell(GetNicCounters.Instance);
                return; // still outstanding: the counters follow
            case OperationFailed:
                _pendingLookups[Sender].Dequeue(); // that NIC is gone
                break;
            case ProtocolNicCounters counters:
                _nics[_nicSlots[Sender].Key] = counters;
                break;
            case LinkCounters counters:
                _linkCounters[_links[Sender]] = counters;
                break;
            case Terminated t:
                // That NIC stopped: look its name up again at the next sample (a new NIC may take it).
                if (_nicSlots.TryGet(t.ActorRef) is { Actor: { } cached } gone && cached.Equals(t.ActorRef)) gone.Actor = null;
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
