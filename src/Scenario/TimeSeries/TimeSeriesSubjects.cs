using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Protocol.Stack;
using NetSim.Scenario.Running;
using NicFinalCounters = NetSim.Protocol.Nic.NicFinalCounters;
using ProtocolNicCounters = NetSim.Protocol.Nic.NicCounters;

namespace NetSim.Scenario.TimeSeries;

/// <summary>Builds the sampler of a run: which subjects it follows and how each reads its actor.</summary>
internal static class TimeSeriesSubjects
{
    public static TimeSeriesSampler Sampler(
        string path,
        Scenario scenario,
        SimulationSession session,
        IReadOnlyDictionary<string, IActorRef> hosts,
        IReadOnlyDictionary<string, IActorRef> links,
        IReadOnlyDictionary<string, IActorRef> switches,
        IEnumerable<FlowStats> flows,
        IEnumerable<TcpFlowStats> tcpFlows)
    {
        // NICs removed mid-run (close-devices) publish their final counters: kept here, by host.nic.
        var departures = new ConcurrentQueue<object>();
        session.System.EventStream.Subscribe(session.ActorOf(MessageRecorder.Props(departures), "timeseries-departures"), typeof(NicFinalCounters));
        var hostNames = hosts.ToDictionary(h => h.Value, h => h.Key);
        var departed = new Dictionary<string, ProtocolNicCounters>(StringComparer.Ordinal);
        ProtocolNicCounters? Departed(string key)
        {
            while (departures.TryDequeue(out var m))
                if (m is NicFinalCounters f && hostNames.TryGetValue(f.Stack, out var host)) departed[$"{host}.{f.Counters.Name}"] = f.Counters;
            return departed.GetValueOrDefault(key);
        }

        // One request per sample gathers every counter; the subjects below read their part of it.
        var collector = CounterCollector.For(session, scenario, hosts, links, switches);
        // In virtual time the answer is there once the instant is drained: a Tell and a settle, no Ask (no temporary
        // actor and task per sample; asks were most of a sample's cost). Real time waits for the answer.
        var answers = new ConcurrentQueue<object>();
        var recorder = session.ActorOf(MessageRecorder.Props(answers), "timeseries-answers");
        var snapshot = new SnapshotSubject(session.IsVirtual
            ? () =>
            {
                collector.Tell(CounterCollector.Collect.Instance, recorder);
                session.Settle();
                return answers.TryDequeue(out var answer) ? answer as CounterCollector.CounterSnapshot : null;
            }
            : () => session.Request(collector, CounterCollector.Collect.Instance) as CounterCollector.CounterSnapshot);
        var flowList = flows.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var rttSamples = flowList.Any(f => f.Kind == "ping") ? RttSampleWriter.Create(Path.Combine(Path.GetDirectoryName(path)!, "rtt.csv")) : null;
        // A tcp flow's connection numbers: one GetTcpInfo per flow and sample (few flows; the sender host answers).
        TcpInfoReply? Info(TcpFlowStats f) => f.SenderHost is { } host ? session.Request(host, new GetTcpInfo(f.SenderSocket)) as TcpInfoReply : null;
        return Assemble(path, scenario, snapshot,
            [.. flowList.Select(f => new FlowSeries(f, rttSamples))],
            [.. tcpFlows.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new TcpFlowSeries(f.Name, () => Info(f), () => f.BytesReceived))],
            key => snapshot.Current?.Nics.GetValueOrDefault(key), Departed, name => snapshot.Current?.Links.GetValueOrDefault(name), rttSamples);
    }

    /// <summary>
    /// The sampler of every subject in their fixed order (what reads the state first, then flows and tcp flows by name,
    /// NICs in file order, links, switches), reading NICs, links and switches through <paramref name="nic"/>,
    /// <paramref name="departed"/> (a NIC's final counters once it is gone) and <paramref name="link"/>
    /// (<c>links.NAME</c>, <c>switches.NAME</c>). A run in one process reads its actors; a partitioned run's merge
    /// replays what its partitions recorded.
    /// </summary>
    internal static TimeSeriesSampler Assemble(string path, Scenario scenario, ISampledSubject first, IReadOnlyList<FlowSeries> flows,
        IReadOnlyList<TcpFlowSeries> tcpFlows, Func<string, ProtocolNicCounters?> nic, Func<string, ProtocolNicCounters?> departed,
        Func<string, NetSim.Protocol.Links.LinkCounters?> link, RttSampleWriter? rttSamples)
    {
        var subjects = new List<ISampledSubject> { first };
        subjects.AddRange(flows);
        subjects.AddRange(tcpFlows);
        var nics = new Dictionary<NicRef, NicSeries>();
        foreach (var h in scenario.Hosts)
            foreach (var n in h.Nics)
            {
                var key = $"{h.Name}.{n.Name}";
                // A NIC removed by close-devices is missing from the snapshot; its final counters were published.
                var series = new NicSeries(h.Name, n.Name, () => nic(key), () => departed(key));
                nics[new NicRef(h.Name, n.Name)] = series;
                subjects.Add(series);
            }
        foreach (var l in scenario.Links)
        {
            nics[l.A].Link = (nics[l.B], l.Properties.RateBitsPerSecond);
            nics[l.B].Link = (nics[l.A], l.Properties.RateBitsPerSecond);
            var name = "links." + l.Name;
            subjects.Add(new LinkSeries(name, () => link(name)));
        }
        foreach (var s in scenario.Switches)
        {
            var name = "switches." + s.Name;
            subjects.Add(new LinkSeries(name, () => link(name)));
        }
        return new TimeSeriesSampler(TimeSeriesWriter.Create(path), subjects, rttSamples);
    }
}

/// <summary>Takes the counter snapshot of a sample (first of the subjects, so the others read a fresh one); writes nothing.</summary>
internal sealed class SnapshotSubject(Func<CounterCollector.CounterSnapshot?> take) : ISampledSubject
{
    public CounterCollector.CounterSnapshot? Current { get; private set; }

    public void Read(TimeSpan now) => Current = take();

    public void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output) { }
}
