using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Links;
using NetSim.Actors.Stack;
using NetSim.Actors.Switches;
using NetSim.Protocol;
using NetSim.Protocol.Capture;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.Scenario.Output;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Reports;
using NetSim.Scenario.TimeSeries;
using ProtocolNicCounters = NetSim.Protocol.Nic.NicCounters;
using GetNicCounters = NetSim.Protocol.Nic.GetNicCounters;
using NicFinalCounters = NetSim.Protocol.Nic.NicFinalCounters;

namespace NetSim.Scenario.Running;

/// <summary>What one partition's run leaves: its part of the results, and (in one process) the files it wrote
/// itself, the bridges' report and the wall time of its phases.</summary>
internal sealed record LocalRun(PartitionPart Part, IReadOnlyList<string> Files, IReadOnlyList<BridgeReport> Bridges, RunPhaseTimes Phases);

/// <summary>
/// Runs the hosts, links and switches of one partition of a scenario (all of them when the plan has one partition):
/// builds the hosts (a StackActor each), their NICs (each held by a device file: the port's of the link or switch on
/// it, or else one of the host's), addresses and routes, the links (a cut link as its local half) and switches, starts the captures and the script, lets simulated
/// time pass window by window (exchanging the frames of cut links at the end of each), then collects its part of the
/// results. Every partition builds its actors with the names a one-process run gives them, so the canonical timer
/// order (<see cref="NetSim.Actors.Time.VirtualScheduler"/>) is the same in every partition as in one process.
/// </summary>
internal static class PartitionRun
{
    private const int ProgressSteps = 50, Slices = 1000;

    /// <summary>The NICs of partition <paramref name="index"/> that a port of a link, switch or bridge simulated here
    /// attaches a file to (<paramref name="isLocal"/>: a host of the partition).</summary>
    private static HashSet<NicRef> WiredNics(Scenario scenario, PartitionPlan plan, int index, Func<string, bool> isLocal)
    {
        var wired = new HashSet<NicRef>();
        foreach (var l in scenario.Links)
        {
            if (isLocal(l.A.Host)) wired.Add(l.A);
            if (isLocal(l.B.Host)) wired.Add(l.B);
        }
        foreach (var s in scenario.Switches)
            if (plan.SwitchPartition[s.Name] == index)
                foreach (var port in s.Ports) wired.Add(port);
        foreach (var b in scenario.Bridges)
            if (b.Attach is BridgeToNic n && isLocal(n.Nic.Host)) wired.Add(n.Nic);
        return wired;
    }

    public static LocalRun Execute(Scenario scenario, PartitionPlan plan, int index, IWindowExchange? exchange, RunOptions options, bool capturesInPart)
    {
        bool Local(string host) => plan.HostPartition[host] == index;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpuAtSetup = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        PhaseMarks.Mark("set-up: (before)");
        // The kernel side of the bridges first, and removed last (after the actors using it have stopped).
        using var bridges = RunBridges.Open(scenario);
        // A run that ends the process leaves its actors to the exit, unless bridges need the actors stopped before
        // their kernel side goes, or the log is on (Akka's log is flushed as the system stops).
        using var session = new SimulationSession(scenario.TimeMode, scenario.Seed, options.Verbose,
            leaveToProcessExit: options.EndsProcess && scenario.Bridges.IsEmpty && !options.Verbose);
        var files = new List<string>();
        if (options.OutputDirectory is not null) Directory.CreateDirectory(options.OutputDirectory);

        // NICs that stop mid-run (close-devices) leave their final counters on the event stream.
        var finalCounters = new ConcurrentQueue<object>();
        session.System.EventStream.Subscribe(session.ActorOf(MessageRecorder.Props(finalCounters), "final-counters"), typeof(NicFinalCounters));
        PhaseMarks.Mark("set-up: actor system");

        // Hosts, NICs, addresses, routes: each step for every host at once (one drain of the run queue per step,
        // not per message); to one host its messages arrive in the order a host-by-host set-up would send them.
        var localHosts = scenario.Hosts.Where(h => Local(h.Name)).ToList();
        var hosts = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var hostByAddress = new Dictionary<IpAddress, string>();
        var nicKinds = new Dictionary<NicRef, bool>();
        foreach (var h in scenario.Hosts)
            foreach (var nic in h.Nics)
            {
                nicKinds[new NicRef(h.Name, nic.Name)] = nic.Kind == NicKind.Tap;
                foreach (var a in nic.Addresses) hostByAddress.TryAdd(ScenarioRunner.ToIp(a.Address), h.Name);
            }
        var hostRefs = session.ActorsOf([.. localHosts.Select(h => (StackActor.Props(h.Name), ActorNames.Of("host", h.Name)))]);
        PhaseMarks.Mark("set-up: hosts started");
        var nicsOfHosts = new List<(HostSpec Host, IActorRef Ref, NicSpec Nic)>();
        for (var i = 0; i < hostRefs.Length; i++)
        {
            var h = localHosts[i];
            hosts[h.Name] = hostRefs[i];
            foreach (var nic in h.Nics) nicsOfHosts.Add((h, hostRefs[i], nic));
        }
        var configure = new List<(IActorRef, object, string)>();
        foreach (var h in localHosts)
        {
            configure.Add((hosts[h.Name], new SetForwarding(h.Forwarding), $"host {h.Name}"));
            foreach (var nic in h.Nics)
                configure.Add((hosts[h.Name], new CreateNic(nic.Name, nic.Kind == NicKind.Tap, nic.Mtu, nic.Mac, nic.QueueLength), $"{h.Name}.{nic.Name}"));
        }
        // In the order of nicsOfHosts (the other answers are HostConfigured).
        var created = ScenarioRunner.RequestAll(session, configure).OfType<NicInfo>().ToList();
        PhaseMarks.Mark("set-up: NICs created");
        // Every NIC lives while a file holds it (close-devices closes the files, which removes it). The NICs a local
        // link, switch or bridge attaches to are held by that port's file: created persistent (`ip tuntap add`), their
        // persist flag goes off once the ports are attached (below), with no file of their own. Any other NIC gets a
        // file of its host's to hold it, attached, and its persist flag off through that file.
        var wired = WiredNics(scenario, plan, index, Local);
        var unwired = new List<(HostSpec Host, IActorRef Ref, NicSpec Nic)>();
        var heldByPorts = new List<(IActorRef Target, object Message, string What)>();
        for (var i = 0; i < nicsOfHosts.Count; i++)
        {
            var (h, host, nic) = nicsOfHosts[i];
            if (wired.Contains(new NicRef(h.Name, nic.Name))) heldByPorts.Add((host, new SetNicPersist(created[i].NicId, false), $"{h.Name}.{nic.Name}"));
            else unwired.Add(nicsOfHosts[i]);
        }
        if (unwired.Count > 0)
        {
            var owners = session.ActorsOf([.. unwired.Select(n => (DeviceActor.Props(n.Ref), ActorNames.Of("file", n.Host.Name, n.Nic.Name)))]);
            ScenarioRunner.RequestAll(session, [.. unwired.Select((n, i) => (owners[i], (object)new Attach(n.Nic.Name, (n.Nic.Kind == NicKind.Tap ? TunFlags.Tap : TunFlags.Tun) | TunFlags.NoPacketInfo), $"{n.Host.Name}.{n.Nic.Name}"))]);
            ScenarioRunner.RequestAll(session, [.. unwired.Select((n, i) => (owners[i], (object)new SetPersist(false), $"{n.Host.Name}.{n.Nic.Name}"))]);
        }
        PhaseMarks.Mark("set-up: unwired NICs held");
        configure.Clear();
        foreach (var (h, host, nic) in nicsOfHosts)
            foreach (var a in nic.Addresses)
                configure.Add((host, new AddAddress(nic.Name, ScenarioRunner.ToIp(a.Address), a.PrefixLength), $"{h.Name}.{nic.Name} address {a}"));
        foreach (var h in localHosts)
            foreach (var r in h.Routes)
                configure.Add((hosts[h.Name], new AddRoute(ScenarioRunner.ToIp(r.To.Network), r.To.PrefixLength, r.Via is null ? null : ScenarioRunner.ToIp(r.Via), r.Device), $"host {h.Name} route {r.To}"));
        ScenarioRunner.RequestAll(session, configure);
        PhaseMarks.Mark("set-up: addresses, routes");

        // A remote end lends only its name (the half never touches its host).
        NicEndpoint Endpoint(NicRef n) => new(hosts.GetValueOrDefault(n.Host) ?? ActorRefs.Nobody, n.Host, n.Nic, nicKinds[n]);

        // Links and switches: ports are device files on the NICs they join; a cut link is built as its local half.
        var readiness = new ConcurrentQueue<object>();
        var recorder = session.ActorOf(MessageRecorder.Props(readiness), "setup-recorder");
        var outbox = new CrossFrameOutbox();
        var links = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var linkParameters = new Dictionary<string, LinkParameters>(StringComparer.Ordinal);
        var switches = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var localLinks = new List<string>();
        var wires = new List<(Props, string)>();
        foreach (var l in scenario.Links)
        {
            var p = new LinkParameters(l.Properties.Delay, l.Properties.Jitter, l.Properties.Loss, l.Properties.RateBitsPerSecond, l.Properties.QueueLength, l.Up);
            linkParameters[l.Name] = p;
            var (aHere, bHere) = (Local(l.A.Host), Local(l.B.Host));
            if (!aHere && !bHere) continue;
            var half = aHere && bHere ? LinkHalf.Whole : new LinkHalf(aHere ? 0 : 1, outbox);
            wires.Add((LinkActor.Props(l.Name, Endpoint(l.A), Endpoint(l.B), p, recorder, half), ActorNames.Of("link", l.Name)));
            localLinks.Add(l.Name);
        }
        var localSwitches = scenario.Switches.Where(s => plan.SwitchPartition[s.Name] == index).ToList();
        foreach (var s in localSwitches)
            wires.Add((SwitchActor.Props(s.Name, s.Ports.Select(Endpoint).ToList(), s.MacAgeing, recorder, s.Delay, bridges.SwitchPorts(s.Name)), ActorNames.Of("switch", s.Name)));
        // Started together (in this order), waited for once.
        var wireRefs = session.ActorsOf(wires);
        PhaseMarks.Mark("set-up: links started");
        for (var i = 0; i < localLinks.Count; i++) links[localLinks[i]] = wireRefs[i];
        for (var i = 0; i < localSwitches.Count; i++) switches[localSwitches[i].Name] = wireRefs[localLinks.Count + i];
        var nicBridges = bridges.StartNicBridges(session, Endpoint, recorder);
        ScenarioRunner.AwaitReady(session, readiness, links.Count + switches.Count + nicBridges);
        bridges.FindSwitchPorts(session);
        PhaseMarks.Mark("set-up: links ready");
        // TUNSETPERSIST off on the NICs the ports hold (the stack's side of it: no file of the runner's to send it).
        ScenarioRunner.RequestAll(session, heldByPorts);
        heldByPorts.Clear(); // set-up's bookkeeping is not kept through the run
        heldByPorts.TrimExcess();
        PhaseMarks.Mark("set-up: persist off");

        // Captures: into the output folder, or into memory when they travel in the part.
        var sinks = new List<IActorRef>();
        var captureStreams = new List<(string Name, MemoryStream Bytes)>();
        foreach (var c in scenario.Capture.Where(c => Local(c.Host)))
        {
            var info = ScenarioRunner.Expect<NicInfo>(session.Request(hosts[c.Host], new LookupNic(c.Nic)), $"capture {c}");
            var name = $"{c.Host}.{c.Nic}.pcap";
            var linkType = info.IsTap ? PcapLinkType.Ethernet : PcapLinkType.Raw;
            PcapWriter writer;
            if (capturesInPart)
            {
                var memory = new MemoryStream();
                captureStreams.Add((name, memory));
                writer = new PcapWriter(memory, linkType);
            }
            else
            {
                var path = Path.Combine(options.OutputDirectory ?? Path.GetTempPath(), name);
                writer = PcapWriter.Create(path, linkType);
                if (options.OutputDirectory is not null) files.Add(path);
            }
            var sink = session.ActorOf(PcapSinkActor.Props(writer), ActorNames.Of("pcap", c.Host, c.Nic));
            ScenarioRunner.Expect<CaptureStarted>(session.Request(info.Nic, new CaptureNic(sink, true)), $"capture {c}");
            sinks.Add(sink);
        }

        foreach (var (sink, path) in bridges.StartCaptures(session, options.OutputDirectory ?? Path.GetTempPath()))
        {
            sinks.Add(sink);
            if (options.OutputDirectory is not null) files.Add(path);
        }

        // The script, then time.
        var flows = scenario.Script.OfType<PingStep>().Select(p => new FlowStats(p.Name, "ping"))
            .Concat(scenario.Script.OfType<UdpStep>().Select(u => new FlowStats(u.Name, "udp")))
            .ToDictionary(f => f.Name, StringComparer.Ordinal);
        var tcpFlows = scenario.Script.OfType<TcpStep>().ToDictionary(t => t.Name, t => new TcpFlowStats(t.Name), StringComparer.Ordinal);
        var setup = clock.Elapsed;
        PhaseMarks.Mark("set-up: captures, script");
        var cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedAtStart = GC.GetTotalAllocatedBytes();
        long turns = 0;
        session.ActorOf(ScriptActor.Props(scenario.Script, new ScriptTargets(hosts, links, linkParameters, hostByAddress, flows, tcpFlows)), "script");
        var timeSeriesPath = options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, "timeseries.csv");
        using var sampler = timeSeriesPath is null || scenario.Report.Interval <= TimeSpan.Zero
            ? null
            : TimeSeriesSubjects.Sampler(timeSeriesPath, scenario, session, hosts, links, switches, flows.Values, tcpFlows.Values);
        // A partition records its part of the time series; the merge writes the file (TimeSeriesReplay).
        var seriesRecorder = plan.Count > 1 && scenario.Report.Interval > TimeSpan.Zero
            ? new TimeSeriesRecorder(scenario, session, hosts, links, switches, flows.Values, tcpFlows.Values)
            : null;
        var sampleInterval = sampler is null && seriesRecorder is null ? TimeSpan.Zero : TimeSeriesSampler.Bounded(scenario.Duration, scenario.Report.Interval);
        // Time passes in slices, so a cancellation (Ctrl-C, SIGTERM) is seen promptly; progress every few slices; and
        // it stops at every sample instant of the time series; and at the end of every time window of a partitioned run.
        var windows = new TimeWindows(session, plan, index, exchange, outbox, links, scenario.Duration, options.Cancellation);
        var reached = TimeSpan.Zero;
        var slice = 0;
        var lost = false;
        foreach (var (until, sample, sliceEnd) in TimeSeriesSampler.Schedule(scenario.Duration, sampleInterval, Slices))
        {
            if (options.Cancellation.IsCancellationRequested) break;
            var (ran, got) = windows.AdvanceTo(until);
            turns += ran;
            if (got < until) { reached = got; lost = true; break; }
            reached = session.IsVirtual || !options.Cancellation.IsCancellationRequested ? until : session.Now;
            if (sample && reached == until) { sampler?.Sample(until); seriesRecorder?.Sample(until); }
            if (sliceEnd && ++slice % (Slices / ProgressSteps) == 0) options.Progress?.Report(new RunProgress(until, scenario.Duration));
        }
        sampler?.Finish();
        var interrupted = lost || reached < scenario.Duration;
        var run = clock.Elapsed - setup;
        var runCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        var runAllocated = GC.GetTotalAllocatedBytes() - allocatedAtStart;
        PhaseMarks.Mark("run");

        // Results.
        foreach (var sink in sinks) session.Request(sink, PcapSinkActor.Finish.Instance);
        var hostNames = hosts.ToDictionary(h => h.Value, h => h.Key);
        var departed = new Dictionary<string, ProtocolNicCounters>(StringComparer.Ordinal);
        while (finalCounters.TryDequeue(out var m))
            if (m is NicFinalCounters f && hostNames.TryGetValue(f.Stack, out var hostName)) departed[$"{hostName}.{f.Counters.Name}"] = f.Counters;
        var nicReports = new List<NicCounters>();
        // Every NIC's counters, asked of all at once: the NICs still there answer; a closed one left its final counters.
        var lookups = session.RequestAll([.. nicsOfHosts.Select(n => (n.Ref, (object)new LookupNic(n.Nic.Name)))]);
        var counters = session.RequestAll([.. lookups.OfType<NicInfo>().Select(info => (info.Nic, (object)GetNicCounters.Instance))]);
        for (int i = 0, next = 0; i < nicsOfHosts.Count; i++)
        {
            var (h, _, nic) = nicsOfHosts[i];
            var key = $"{h.Name}.{nic.Name}";
            ProtocolNicCounters? c = lookups[i] is NicInfo
                ? ScenarioRunner.Expect<ProtocolNicCounters>(counters[next++], key)
                : departed.GetValueOrDefault(key);
            if (c is null) continue; // never created: cannot happen once setup succeeded
            nicReports.Add(new NicCounters(h.Name, nic.Name, c.RxPackets, c.RxBytes, c.RxDropped, c.RxErrors,
                c.TxPackets, c.TxBytes, c.TxDropped, c.TxErrors, ReportMaps.Sorted(c.DropReasons), c.Queued));
        }
        var hostReports = session.RequestAll([.. hostRefs.Select(host => (host, (object)GetHostCounters.Instance))])
            .Select((answer, i) => ScenarioRunner.Expect<HostCounterSnapshot>(answer, $"host {localHosts[i].Name}"))
            .Select(s => new HostStackCounters(s.Host, s.Counters))
            .ToList();
        var linkReports = ScenarioRunner.WireReports(session, localLinks.Select(l => (l, links[l])));
        var switchReports = ScenarioRunner.WireReports(session, localSwitches.Select(s => (s.Name, switches[s.Name])));
        var tcpParts = new List<TcpFlowPart>();
        foreach (var step in scenario.Script.OfType<TcpStep>())
        {
            var t = tcpFlows[step.Name];
            var info = t.SenderHost is { } senderHost ? session.Request(senderHost, new GetTcpInfo(t.SenderSocket)) as TcpInfoReply : null;
            tcpParts.Add(t.Export(info));
        }
        var part = new PartitionPart(index, nicReports, hostReports, linkReports, switchReports,
            [.. flows.Values.Select(f => f.Export())], tcpParts, reached, interrupted,
            [.. captureStreams.Select(c => new CaptureFile(c.Name, c.Bytes.ToArray()))], windows.Stats(index), seriesRecorder?.Finish());
        if (timeSeriesPath is not null && sampler is not null)
        {
            files.Insert(0, timeSeriesPath);
            var rttPath = Path.Combine(options.OutputDirectory!, "rtt.csv");
            if (File.Exists(rttPath)) files.Insert(1, rttPath);
        }
        var bridgeReports = bridges.Collect(session);
        return new LocalRun(part, files, bridgeReports,
            new RunPhaseTimes(setup, run, clock.Elapsed - setup - run, runCpu, cpuAtStart - cpuAtSetup, turns, runAllocated));
    }
}

/// <summary>The frames the halves of cut links sent during the current window, in the order they were sent.</summary>
internal sealed class CrossFrameOutbox : ICrossLinkOutbox
{
    private readonly object _gate = new();
    private List<CrossFrame> _frames = [];

    // Called by link actors: on the driving thread in virtual time, on the thread pool in real time.
    public void Send(string link, int direction, TimeSpan arrival, ReadOnlyMemory<byte> frame)
    {
        var crossing = new CrossFrame(link, direction, arrival.Ticks, frame.ToArray());
        lock (_gate) _frames.Add(crossing);
    }

    /// <summary>The window's frames; the outbox starts empty again.</summary>
    public List<CrossFrame> Take()
    {
        lock (_gate)
        {
            var taken = _frames;
            _frames = [];
            return taken;
        }
    }
}

/// <summary>
/// Lets simulated time pass in the windows of a partitioned run: every event at or before the window's end, then the
/// exchange of the cut links' frames, whose arrivals (all after the window's end, as a window is never longer than
/// the smallest delay of a cut link) go to the receiving halves before anything later happens. Window ends are the
/// multiples of the lookahead and the end of the run, the same in every partition. Without cut links, no windows.
/// In real time the same windows pass on the wall clock; a frame that crosses then lands when it arrives or, if the
/// exchange made it late, at once (no guarantee of identical results there).
/// </summary>
internal sealed class TimeWindows(SimulationSession session, PartitionPlan plan, int index, IWindowExchange? exchange,
    CrossFrameOutbox outbox, IReadOnlyDictionary<string, IActorRef> links, TimeSpan duration, CancellationToken cancellation)
{
    private readonly bool _windowed = exchange is not null && plan.Count > 1;
    private TimeSpan _nextEnd = plan.Count > 1 && exchange is not null ? Min(plan.Lookahead, duration) : TimeSpan.MaxValue;

    private readonly System.Diagnostics.Stopwatch _computing = new(), _synchronising = new();
    private long _windows, _framesSent, _framesReceived;

    /// <summary>How the windows went so far.</summary>
    public PartitionStats Stats(int partition) => new(partition, _windows, _framesSent, _framesReceived, _computing.Elapsed, _synchronising.Elapsed);

    /// <summary>Runs to <paramref name="until"/>, ending every window on the way; returns the scheduler turns and the
    /// time reached (less than <paramref name="until"/> when the run was cancelled or another partition was lost).</summary>
    public (long Turns, TimeSpan Reached) AdvanceTo(TimeSpan until)
    {
        long turns = 0;
        _computing.Start();
        try
        {
            while (_windowed && _nextEnd <= until)
            {
                turns += session.AdvanceTo(_nextEnd, cancellation);
                var outgoing = outbox.Take();
                IReadOnlyList<CrossFrame> incoming;
                _computing.Stop();
                _synchronising.Start();
                try
                {
                    incoming = exchange!.Exchange(index, _nextEnd, outgoing, cancellation);
                }
                catch (Exception e) when (e is OperationCanceledException or PartitionLostException)
                {
                    return (turns, _nextEnd);
                }
                finally
                {
                    _synchronising.Stop();
                    _computing.Start();
                }
                _windows++;
                _framesSent += outgoing.Count;
                _framesReceived += incoming.Count;
                Deliver(incoming);
                _nextEnd = _nextEnd >= duration ? TimeSpan.MaxValue : Min(_nextEnd + plan.Lookahead, duration);
            }
            turns += session.AdvanceTo(until, cancellation);
            return (turns, until);
        }
        finally
        {
            _computing.Stop();
        }
    }

    /// <summary>Hands each receiving half its frames, per link in the order they came (per direction, as sent).</summary>
    private void Deliver(IReadOnlyList<CrossFrame> incoming)
    {
        if (incoming.Count == 0) return;
        foreach (var group in incoming.GroupBy(f => f.Link, StringComparer.Ordinal))
        {
            if (!links.TryGetValue(group.Key, out var half)) throw new InvalidOperationException($"partition {index + 1} got frames of link {group.Key}, which it does not simulate");
            half.Tell(new CrossArrivals([.. group.Select(f => new CrossArrival(f.Direction, TimeSpan.FromTicks(f.ArrivalTicks), f.Frame))]));
        }
        session.Settle();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
