using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Scenario.Running;
using NetSim.Scenario.TimeSeries;
using ProtocolNicCounters = NetSim.Protocol.Nic.NicCounters;
using NicFinalCounters = NetSim.Protocol.Nic.NicFinalCounters;

namespace NetSim.Scenario.Partitioning;

/// <summary>
/// The time series of a partitioned run. Each partition records, at the sample instants a one-process run samples
/// at, the raw state of what it simulates (NIC, link-half and switch counters, its sides' flow intervals, tcp
/// figures); the merge adds the partitions' records up and replays them through the same subjects
/// (<see cref="TimeSeriesSubjects.Assemble"/>), so timeseries.csv and rtt.csv get the bytes of one process. A UDP
/// flow's losses per interval are counted from the receiver's arrivals as sequence ranges against the sender's
/// interval boundaries.
/// </summary>
internal sealed class TimeSeriesRecorder
{
    private readonly SimulationSession _session;
    private readonly IActorRef _collector, _answers;
    private readonly ConcurrentQueue<object> _answered = new(), _departures = new();
    private readonly IReadOnlyDictionary<IActorRef, string> _hostNames;
    private readonly IReadOnlyList<FlowStats> _flows;
    private readonly IReadOnlyList<TcpFlowStats> _tcpFlows;
    private readonly List<SampleRecord> _samples = [];
    private TimeSpan _last = TimeSpan.Zero;

    public TimeSeriesRecorder(Scenario scenario, SimulationSession session, IReadOnlyDictionary<string, IActorRef> hosts,
        IReadOnlyDictionary<string, IActorRef> links, IReadOnlyDictionary<string, IActorRef> switches,
        IEnumerable<FlowStats> flows, IEnumerable<TcpFlowStats> tcpFlows)
    {
        _session = session;
        _hostNames = hosts.ToDictionary(h => h.Value, h => h.Key);
        session.System.EventStream.Subscribe(session.ActorOf(MessageRecorder.Props(_departures), "timeseries-departures"), typeof(NicFinalCounters));
        _collector = CounterCollector.For(session, scenario, hosts, links, switches);
        _answers = session.ActorOf(MessageRecorder.Props(_answered), "timeseries-answers");
        _flows = [.. flows];
        _tcpFlows = [.. tcpFlows];
        foreach (var f in _flows)
        {
            f.KeepsRttSamples = f.Kind == "ping";
            f.TracksArrivalRanges = true;
        }
    }

    /// <summary>Records the state at <paramref name="now"/> (after every event at or before it ran).</summary>
    public void Sample(TimeSpan now)
    {
        if (now <= _last) return;
        _last = now;
        _collector.Tell(CounterCollector.Collect.Instance, _answers);
        _session.Settle();
        var snapshot = _answered.TryDequeue(out var answer) ? answer as CounterCollector.CounterSnapshot : null;
        var departed = new Dictionary<string, ProtocolNicCounters>(StringComparer.Ordinal);
        while (_departures.TryDequeue(out var m))
            if (m is NicFinalCounters f && _hostNames.TryGetValue(f.Stack, out var host)) departed[$"{host}.{f.Counters.Name}"] = f.Counters;
        var flows = _flows.Select(f =>
        {
            var (i, rtts) = f.TakeInterval();
            return new FlowIntervalRecord(f.Name, i.Sent, i.Received, i.ReceivedBytes, i.RttCount, i.RttMin, i.RttSum, i.RttMax, [.. rtts.Select(r => new RttRecord(r.At, r.Rtt))]);
        }).ToList();
        var tcp = _tcpFlows.Select(t => new TcpSampleRecord(t.Name,
            t.SenderHost is { } h ? _session.Request(h, new GetTcpInfo(t.SenderSocket)) as TcpInfoReply : null, t.BytesReceived)).ToList();
        _samples.Add(new SampleRecord(now,
            new Dictionary<string, ProtocolNicCounters>(snapshot?.Nics ?? new Dictionary<string, ProtocolNicCounters>(), StringComparer.Ordinal),
            departed,
            new Dictionary<string, LinkCounters>(snapshot?.Links ?? new Dictionary<string, LinkCounters>(), StringComparer.Ordinal),
            flows, tcp));
    }

    /// <summary>What this partition recorded, with each flow side's interval boundaries and arrivals.</summary>
    public SeriesPart Finish() => new(_samples, [.. _flows.Select(f => f.ExportIntervals())]);
}

/// <summary>A partition's time-series record: one entry per sample, and per flow its sends and arrivals by interval.</summary>
public sealed record SeriesPart(List<SampleRecord> Samples, List<FlowIntervalsPart> Flows);

/// <summary>The raw state of one partition at one sample instant.</summary>
public sealed record SampleRecord(TimeSpan At, Dictionary<string, ProtocolNicCounters> Nics, Dictionary<string, ProtocolNicCounters> Departed,
    Dictionary<string, LinkCounters> Links, List<FlowIntervalRecord> Flows, List<TcpSampleRecord> Tcp);

/// <summary>A flow side's figures for one interval (see <see cref="FlowInterval"/>) and its RTT samples.</summary>
public sealed record FlowIntervalRecord(string Name, long Sent, long Received, long ReceivedBytes, int RttCount, TimeSpan RttMin, TimeSpan RttSum, TimeSpan RttMax, List<RttRecord> Rtts);

/// <summary>One RTT sample: when the reply arrived, and the RTT.</summary>
public sealed record RttRecord(TimeSpan At, TimeSpan Rtt);

/// <summary>A tcp flow at a sample: the sender's connection (where it runs) and the bytes the receiver read (where it runs).</summary>
public sealed record TcpSampleRecord(string Name, TcpInfoReply? Info, long BytesReceived);

/// <summary>
/// A flow side's intervals: the first sequence number sent after each sample (long.MinValue before any send), the
/// packets sent in each, and the distinct sequence numbers that arrived, as [start, end) ranges.
/// </summary>
public sealed record FlowIntervalsPart(string Name, List<long> Boundaries, List<long> SentPerInterval, List<SequenceRange> Arrived);

/// <summary>The sequence numbers [<paramref name="Start"/>, <paramref name="End"/>).</summary>
public readonly record struct SequenceRange(long Start, long End);

/// <summary>Replays the partitions' records into timeseries.csv and rtt.csv (see <see cref="TimeSeriesRecorder"/>).</summary>
internal static class TimeSeriesReplay
{
    /// <summary>Writes the time series of <paramref name="parts"/> to <paramref name="path"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string path, Scenario scenario, IReadOnlyList<SeriesPart> parts)
    {
        var samples = parts[0].Samples.Count;
        if (parts.Any(p => p.Samples.Count != samples)) throw new InvalidDataException("the partitions recorded different numbers of samples");
        var k = -1;
        var departed = new Dictionary<string, ProtocolNicCounters>(StringComparer.Ordinal);
        var cursor = new Cursor(() =>
        {
            k++;
            foreach (var p in parts) foreach (var (key, c) in p.Samples[k].Departed) departed[key] = c;
        });
        ProtocolNicCounters? Nic(string key)
        {
            foreach (var p in parts) if (p.Samples[k].Nics.TryGetValue(key, out var c)) return c;
            return null;
        }
        LinkCounters? Link(string name) => Sum([.. parts.Select(p => p.Samples[k].Links.GetValueOrDefault(name)).OfType<LinkCounters>()]);

        var flowSpecs = scenario.Script.OfType<PingStep>().Select(p => (p.Name, Kind: "ping"))
            .Concat(scenario.Script.OfType<UdpStep>().Select(u => (u.Name, Kind: "udp")))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var rttPath = Path.Combine(Path.GetDirectoryName(path)!, "rtt.csv");
        var rttSamples = flowSpecs.Any(f => f.Kind == "ping") ? RttSampleWriter.Create(rttPath) : null;
        var flows = flowSpecs.Select(f => new FlowSeries(f.Name, f.Kind,
            () => Interval(f.Name, parts.Select(p => p.Samples[k].Flows.Single(x => x.Name == f.Name))),
            () => LostPerInterval(parts.Select(p => p.Flows.Single(x => x.Name == f.Name)).ToList()), rttSamples)).ToList();
        var tcp = scenario.Script.OfType<TcpStep>().Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal)
            .Select(name => new TcpFlowSeries(name,
                () => parts.Select(p => p.Samples[k].Tcp.Single(x => x.Name == name).Info).OfType<TcpInfoReply>().FirstOrDefault(),
                () => parts.Sum(p => p.Samples[k].Tcp.Single(x => x.Name == name).BytesReceived))).ToList();
        using var sampler = TimeSeriesSubjects.Assemble(path, scenario, cursor, flows, tcp, Nic, key => departed.GetValueOrDefault(key), Link, rttSamples);
        foreach (var at in parts[0].Samples.Select(s => s.At)) sampler.Sample(at);
        sampler.Finish();
        return rttSamples is null ? [path] : [path, rttPath];
    }

    private static (FlowInterval, List<(TimeSpan At, TimeSpan Rtt)>) Interval(string name, IEnumerable<FlowIntervalRecord> sides)
    {
        var i = FlowInterval.Empty;
        var rtts = new List<(TimeSpan, TimeSpan)>();
        foreach (var s in sides)
        {
            if (s.RttCount > 0)
                i = i with
                {
                    RttMin = i.RttCount == 0 || s.RttMin < i.RttMin ? s.RttMin : i.RttMin,
                    RttMax = i.RttCount == 0 || s.RttMax > i.RttMax ? s.RttMax : i.RttMax,
                    RttCount = i.RttCount + s.RttCount,
                    RttSum = i.RttSum + s.RttSum,
                };
            i = i with { Sent = i.Sent + s.Sent, Received = i.Received + s.Received, ReceivedBytes = i.ReceivedBytes + s.ReceivedBytes };
            rtts.AddRange(s.Rtts.Select(r => (r.At, r.Rtt)));
        }
        return (i, rtts);
    }

    /// <summary>Packets sent in each interval that never arrived: the sender's boundaries, every side's arrivals.</summary>
    private static long[] LostPerInterval(IReadOnlyList<FlowIntervalsPart> sides)
    {
        var count = sides[0].Boundaries.Count;
        var lost = new long[count];
        var lower = long.MinValue;
        for (var j = 0; j < count; j++)
        {
            var upper = sides.Max(s => s.Boundaries[j]);
            long sent = sides.Sum(s => s.SentPerInterval[j]), arrived = 0;
            if (upper > lower)
                foreach (var s in sides)
                    foreach (var r in s.Arrived)
                        arrived += Math.Max(0, Math.Min(r.End, upper) - Math.Max(r.Start, lower));
            lost[j] = Math.Max(0, sent - arrived);
            lower = Math.Max(lower, upper);
        }
        return lost;
    }

    /// <summary>The counters of a link from its halves (a whole link has one), as one link would count them.</summary>
    private static LinkCounters? Sum(IReadOnlyList<LinkCounters> halves)
    {
        if (halves.Count <= 1) return halves.FirstOrDefault();
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var h in halves) foreach (var (r, n) in h.DropReasons) reasons[r] = reasons.GetValueOrDefault(r) + n;
        var directions = halves[0].Directions.Select((d, i) =>
        {
            var dropped = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var h in halves) foreach (var (r, n) in h.Directions[i].Dropped) dropped[r] = dropped.GetValueOrDefault(r) + n;
            return new WireCounters(d.From, d.To, halves.Sum(h => h.Directions[i].Offered), halves.Sum(h => h.Directions[i].Delivered), dropped, halves.Sum(h => h.Directions[i].InFlight));
        }).ToList();
        return new LinkCounters(halves[0].Name, halves.Sum(h => h.Taken), halves.Sum(h => h.Delivered), halves.Sum(h => h.Dropped), halves.Sum(h => h.InFlight), reasons, directions);
    }

    /// <summary>First of the subjects: moves the replay to the next sample; writes nothing.</summary>
    private sealed class Cursor(Action next) : ISampledSubject
    {
        public void Read(TimeSpan now) => next();
        public void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output) { }
    }
}
