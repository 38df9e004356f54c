using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Scenario.Running;
using GetNicCounters = NetSim.Protocol.Nic.GetNicCounters;
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
        ConcurrentDictionary<string, ProtocolNicCounters> countersAtClose)
    {
        var subjects = new List<ISampledSubject>();
        var flowList = flows.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var rttSamples = flowList.Any(f => f.Kind == "ping") ? RttSampleWriter.Create(Path.Combine(Path.GetDirectoryName(path)!, "rtt.csv")) : null;
        subjects.AddRange(flowList.Select(f => new FlowSeries(f, rttSamples)));

        var nics = new Dictionary<NicRef, NicSeries>();
        foreach (var h in scenario.Hosts)
            foreach (var n in h.Nics)
            {
                var key = $"{h.Name}.{n.Name}";
                var host = hosts[h.Name];
                var nicName = n.Name;
                // Looked up through the host at every sample: a NIC removed by close-devices answers no more, and its
                // counters from the moment it went are in countersAtClose.
                var series = new NicSeries(h.Name, n.Name, () =>
                    session.Request(host, new LookupNic(nicName)) is NicInfo info
                        ? session.Request(info.Nic, GetNicCounters.Instance) as ProtocolNicCounters
                        : countersAtClose.GetValueOrDefault(key));
                nics[new NicRef(h.Name, n.Name)] = series;
                subjects.Add(series);
            }
        foreach (var l in scenario.Links)
        {
            nics[l.A].Link = (nics[l.B], l.Properties.RateBitsPerSecond);
            nics[l.B].Link = (nics[l.A], l.Properties.RateBitsPerSecond);
            var link = links[l.Name];
            subjects.Add(new LinkSeries("links." + l.Name, () => session.Request(link, GetLinkCounters.Instance) as LinkCounters));
        }
        foreach (var s in scenario.Switches)
        {
            var sw = switches[s.Name];
            subjects.Add(new LinkSeries("switches." + s.Name, () => session.Request(sw, GetLinkCounters.Instance) as LinkCounters));
        }
        return new TimeSeriesSampler(TimeSeriesWriter.Create(path), subjects, rttSamples);
    }
}
