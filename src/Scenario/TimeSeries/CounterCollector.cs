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
/// A NIC is looked up through its host each time: one removed by close-devices is reported missing, not waited for.
/// </summary>
internal sealed class CounterCollector : UntypedActor
{
    /// <summary>Asks for a <see cref="CounterSnapshot"/>.</summary>
    public sealed class Collect
    {
        public static readonly Collect Instance = new();
    }

    /// <summary>Counters by NIC (<c>host.nic</c>; absent when the NIC is gone) and by link or switch actor name.</summary>
    public sealed record CounterSnapshot(IReadOnlyDictionary<string, ProtocolNicCounters> Nics, IReadOnlyDictionary<string, LinkCounters> Links);

    // Per host its look-ups and the keys they answer for, made once: a sample asks for every NIC of the run.
    private readonly (IActorRef Ref, LookupNic[] Lookups, string[] Keys)[] _hosts;
    private readonly IReadOnlyDictionary<IActorRef, string> _links;
    private readonly Dictionary<IActorRef, Queue<string>> _pendingLookups = [];
    private readonly Dictionary<IActorRef, string> _nicKeys = [];
    private Dictionary<string, ProtocolNicCounters> _nics = [];
    private Dictionary<string, LinkCounters> _linkCounters = [];
    private IActorRef? _asker;
    private int _outstanding;

    public CounterCollector(IReadOnlyList<(string Host, IActorRef Ref, IReadOnlyList<string> Nics)> hosts, IReadOnlyDictionary<IActorRef, string> links)
    {
        _hosts = [.. hosts.Select(h => (h.Ref, h.Nics.Select(n => new LookupNic(n)).ToArray(), h.Nics.Select(n => $"{h.Host}.{n}").ToArray()))];
        _links = links;
    }

    public static Props Props(IReadOnlyList<(string Host, IActorRef Ref, IReadOnlyList<string> Nics)> hosts, IReadOnlyDictionary<IActorRef, string> links) =>
        Akka.Actor.Props.Create(() => new CounterCollector(hosts, links)).WithSimDispatcher();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Collect:
                _asker = Sender;
                _nics = new(_nics.Count, StringComparer.Ordinal); // as many as last time: no growing through copies
                _linkCounters = new(_linkCounters.Count, StringComparer.Ordinal);
                _outstanding = 0;
                foreach (var (hostRef, lookups, keys) in _hosts)
                {
                    var pending = _pendingLookups.TryGetValue(hostRef, out var q) ? q : _pendingLookups[hostRef] = new Queue<string>();
                    for (var i = 0; i < lookups.Length; i++)
                    {
                        pending.Enqueue(keys[i]);
                        hostRef.Tell(lookups[i]);
                        _outstanding++;
                    }
                }
                foreach (var link in _links.Keys)
                {
                    link.Tell(GetLinkCounters.Instance);
                    _outstanding++;
                }
                break;
            case NicInfo info:
                // The host answers lookups in the order they were sent.
                _nicKeys[info.Nic] = _pendingLookups[Sender].Dequeue();
                info.Nic.Tell(GetNicCounters.Instance);
                return; // still outstanding: the counters follow
            case OperationFailed:
                _pendingLookups[Sender].Dequeue(); // that NIC is gone
                break;
            case ProtocolNicCounters counters:
                _nics[_nicKeys[Sender]] = counters;
                break;
            case LinkCounters counters:
                _linkCounters[_links[Sender]] = counters;
                break;
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
}
