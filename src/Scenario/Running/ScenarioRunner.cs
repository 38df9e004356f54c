using System.Collections.Concurrent;
using System.Globalization;
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
using NetSim.Scenario.Reports;
using NetSim.Scenario.TimeSeries;
using ProtocolNicCounters = NetSim.Protocol.Nic.NicCounters;
using GetNicCounters = NetSim.Protocol.Nic.GetNicCounters;
using NicFinalCounters = NetSim.Protocol.Nic.NicFinalCounters;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Running;

/// <summary>Where a run writes its results, whom it tells how far it got, and what stops it early.</summary>
/// <param name="OutputDirectory">Folder of report.json, counters.csv and the pcaps; null writes nothing.</param>
/// <param name="Progress">Told the simulated time reached, 50 times per run.</param>
/// <param name="Cancellation">Stops the run at its next slice of simulated time (Ctrl-C, SIGTERM); the report then
/// holds the figures reached and is marked interrupted.</param>
/// <param name="Verbose">Let Akka's own log (actor failures, dead letters) through to the console; off otherwise.</param>
public sealed record RunOptions(string? OutputDirectory, IProgress<RunProgress>? Progress = null, CancellationToken Cancellation = default, bool Verbose = false);

/// <summary>Simulated time reached out of the scenario's duration.</summary>
public readonly record struct RunProgress(TimeSpan Simulated, TimeSpan Duration);

/// <summary>The report of a run and the files it wrote.</summary>
public sealed record RunResult(RunReport Report, IReadOnlyList<string> Files)
{
    /// <summary>Wall time of the run's phases (what `netsim bench --scale` reports).</summary>
    public RunPhaseTimes Phases { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>Wall time of building the actors (set-up), of simulated time passing (run), and of collecting and writing
/// the results.</summary>
/// <param name="Setup">Wall time from the start to the script's start.</param>
/// <param name="Run">Wall time of the simulated duration passing.</param>
/// <param name="Results">Wall time of collecting counters and writing the files.</param>
/// <param name="RunCpu">Processor time of every thread of the process during the run phase (steadier than wall time on a
/// busy machine).</param>
/// <param name="SetupCpu">Processor time of the process during set-up.</param>
/// <param name="RunTurns">Virtual time: mailbox runs and timer firings of the run phase (what a frame costs in scheduler work).</param>
public readonly record struct RunPhaseTimes(TimeSpan Setup, TimeSpan Run, TimeSpan Results, TimeSpan RunCpu, TimeSpan SetupCpu, long RunTurns = 0);

/// <summary>A scenario that could not be set up (a link to a NIC of the wrong type, an address the stack refused).</summary>
public sealed class ScenarioSetupException(string message) : Exception(message);

/// <summary>
/// Runs a validated <see cref="Scenario"/> on actors: builds the hosts (a StackActor each), their NICs (each held
/// open by a device file of the host's, like the process that created it), addresses and routes, the links and
/// switches (device files on the NICs they join), starts the captures and the script, runs for the scenario's
/// duration (virtual time: as fast as the work allows; real time: on the wall clock), then collects the counters,
/// evaluates the expectations and writes report.json, counters.csv and one pcap per captured NIC.
/// </summary>
public static class ScenarioRunner
{
    private const int ProgressSteps = 50, Slices = 1000;

    public static RunResult Run(Scenario scenario, RunOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpuAtSetup = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        // The kernel side of the bridges first, and removed last (after the actors using it have stopped).
        using var bridges = RunBridges.Open(scenario);
        using var session = new SimulationSession(scenario.TimeMode, scenario.Seed, options.Verbose);
        var files = new List<string>();
        if (options.OutputDirectory is not null) Directory.CreateDirectory(options.OutputDirectory);

        // NICs that stop mid-run (close-devices) leave their final counters on the event stream.
        var finalCounters = new ConcurrentQueue<object>();
        session.System.EventStream.Subscribe(session.ActorOf(MessageRecorder.Props(finalCounters), "final-counters"), typeof(NicFinalCounters));

        // Hosts, NICs, addresses, routes: each step for every host at once (one drain of the run queue per step,
        // not per message); to one host its messages arrive in the order a host-by-host set-up would send them.
        var hosts = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var hostByAddress = new Dictionary<IpAddress, string>();
        var nicKinds = new Dictionary<NicRef, bool>();
        var hostRefs = session.ActorsOf([.. scenario.Hosts.Select(h => (StackActor.Props(h.Name), ActorNames.Of("host", h.Name)))]);
        var nicsOfHosts = new List<(HostSpec Host, IActorRef Ref, NicSpec Nic)>();
        for (var i = 0; i < hostRefs.Length; i++)
        {
            var h = scenario.Hosts[i];
            hosts[h.Name] = hostRefs[i];
            foreach (var nic in h.Nics)
            {
                nicKinds[new NicRef(h.Name, nic.Name)] = nic.Kind == NicKind.Tap;
                nicsOfHosts.Add((h, hostRefs[i], nic));
            }
        }
        var configure = new List<(IActorRef, object, string)>();
        foreach (var h in scenario.Hosts)
        {
            configure.Add((hosts[h.Name], new SetForwarding(h.Forwarding), $"host {h.Name}"));
            foreach (var nic in h.Nics)
                configure.Add((hosts[h.Name], new CreateNic(nic.Name, nic.Kind == NicKind.Tap, nic.Mtu, nic.Mac, nic.QueueLength), $"{h.Name}.{nic.Name}"));
        }
        RequestAll(session, configure);
        // Each NIC belongs to an open file of its host's: closing that file (close-devices) can make it go away.
        var owners = session.ActorsOf([.. nicsOfHosts.Select(n => (DeviceActor.Props(n.Ref), ActorNames.Of("file", n.Host.Name, n.Nic.Name)))]);
        RequestAll(session, [.. nicsOfHosts.Select((n, i) => (owners[i], (object)new Attach(n.Nic.Name, (n.Nic.Kind == NicKind.Tap ? TunFlags.Tap : TunFlags.Tun) | TunFlags.NoPacketInfo), $"{n.Host.Name}.{n.Nic.Name}"))]);
        RequestAll(session, [.. nicsOfHosts.Select((n, i) => (owners[i], (object)new SetPersist(false), $"{n.Host.Name}.{n.Nic.Name}"))]);
        configure.Clear();
        foreach (var (h, host, nic) in nicsOfHosts)
            foreach (var a in nic.Addresses)
            {
                var address = ToIp(a.Address);
                configure.Add((host, new AddAddress(nic.Name, address, a.PrefixLength), $"{h.Name}.{nic.Name} address {a}"));
                hostByAddress.TryAdd(address, h.Name);
            }
        foreach (var h in scenario.Hosts)
            foreach (var r in h.Routes)
                configure.Add((hosts[h.Name], new AddRoute(ToIp(r.To.Network), r.To.PrefixLength, r.Via is null ? null : ToIp(r.Via), r.Device), $"host {h.Name} route {r.To}"));
        RequestAll(session, configure);

        NicEndpoint Endpoint(NicRef n) => new(hosts[n.Host], n.Host, n.Nic, nicKinds[n]);

        // Links and switches: ports are device files on the NICs they join.
        var readiness = new ConcurrentQueue<object>();
        var recorder = session.ActorOf(MessageRecorder.Props(readiness), "setup-recorder");
        var links = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var linkParameters = new Dictionary<string, LinkParameters>(StringComparer.Ordinal);
        var switches = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var l in scenario.Links)
        {
            var p = new LinkParameters(l.Properties.Delay, l.Properties.Jitter, l.Properties.Loss, l.Properties.RateBitsPerSecond, l.Properties.QueueLength, l.Up);
            linkParameters[l.Name] = p;
            links[l.Name] = session.ActorOf(LinkActor.Props(l.Name, Endpoint(l.A), Endpoint(l.B), p, recorder), ActorNames.Of("link", l.Name));
        }
        foreach (var s in scenario.Switches)
            switches[s.Name] = session.ActorOf(SwitchActor.Props(s.Name, s.Ports.Select(Endpoint).ToList(), s.MacAgeing, recorder, s.Delay, bridges.SwitchPorts(s.Name)), ActorNames.Of("switch", s.Name));
        var nicBridges = bridges.StartNicBridges(session, Endpoint, recorder);
        AwaitReady(session, readiness, links.Count + switches.Count + nicBridges);
        bridges.FindSwitchPorts(session);

        // Captures.
        var sinks = new List<IActorRef>();
        foreach (var c in scenario.Capture)
        {
            var info = Expect<NicInfo>(session.Request(hosts[c.Host], new LookupNic(c.Nic)), $"capture {c}");
            var path = Path.Combine(options.OutputDirectory ?? Path.GetTempPath(), $"{c.Host}.{c.Nic}.pcap");
            var sink = session.ActorOf(PcapSinkActor.Props(PcapWriter.Create(path, info.IsTap ? PcapLinkType.Ethernet : PcapLinkType.Raw)), ActorNames.Of("pcap", c.Host, c.Nic));
            Expect<CaptureStarted>(session.Request(info.Nic, new CaptureNic(sink, true)), $"capture {c}");
            sinks.Add(sink);
            if (options.OutputDirectory is not null) files.Add(path);
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
        var cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        long turns = 0;
        session.ActorOf(ScriptActor.Props(scenario.Script, new ScriptTargets(hosts, links, linkParameters, hostByAddress, flows, tcpFlows)), "script");
        var timeSeriesPath = options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, "timeseries.csv");
        using var sampler = timeSeriesPath is null || scenario.Report.Interval <= TimeSpan.Zero
            ? null
            : TimeSeriesSubjects.Sampler(timeSeriesPath, scenario, session, hosts, links, switches, flows.Values, tcpFlows.Values);
        // Time passes in slices, so a cancellation (Ctrl-C, SIGTERM) is seen promptly; progress every few slices; and
        // it stops at every sample instant of the time series.
        var reached = TimeSpan.Zero;
        var slice = 0;
        foreach (var (until, sample, sliceEnd) in TimeSeriesSampler.Schedule(scenario.Duration, sampler is null ? TimeSpan.Zero : TimeSeriesSampler.Bounded(scenario.Duration, scenario.Report.Interval), Slices))
        {
            if (options.Cancellation.IsCancellationRequested) break;
            turns += session.AdvanceTo(until, options.Cancellation);
            reached = session.IsVirtual || !options.Cancellation.IsCancellationRequested ? until : session.Now;
            if (sample && reached == until) sampler?.Sample(until);
            if (sliceEnd && ++slice % (Slices / ProgressSteps) == 0) options.Progress?.Report(new RunProgress(until, scenario.Duration));
        }
        sampler?.Finish();
        var interrupted = reached < scenario.Duration;
        var run = clock.Elapsed - setup;
        var runCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;

        // Results.
        foreach (var sink in sinks) session.Request(sink, PcapSinkActor.Finish.Instance);
        var hostNames = hosts.ToDictionary(h => h.Value, h => h.Key);
        var departed = new Dictionary<string, ProtocolNicCounters>(StringComparer.Ordinal);
        while (finalCounters.TryDequeue(out var m))
            if (m is NicFinalCounters f && hostNames.TryGetValue(f.Stack, out var hostName)) departed[$"{hostName}.{f.Counters.Name}"] = f.Counters;
        var nicReports = new List<Reports.NicCounters>();
        // Every NIC's counters, asked of all at once: the NICs still there answer; a closed one left its final counters.
        var lookups = session.RequestAll([.. nicsOfHosts.Select(n => (n.Ref, (object)new LookupNic(n.Nic.Name)))]);
        var counters = session.RequestAll([.. lookups.OfType<NicInfo>().Select(info => (info.Nic, (object)GetNicCounters.Instance))]);
        for (int i = 0, next = 0; i < nicsOfHosts.Count; i++)
        {
            var (h, _, nic) = nicsOfHosts[i];
            var key = $"{h.Name}.{nic.Name}";
            ProtocolNicCounters? c = lookups[i] is NicInfo
                ? Expect<ProtocolNicCounters>(counters[next++], key)
                : departed.GetValueOrDefault(key);
            if (c is null) continue; // never created: cannot happen once setup succeeded
            nicReports.Add(new Reports.NicCounters(h.Name, nic.Name, c.RxPackets, c.RxBytes, c.RxDropped, c.RxErrors,
                c.TxPackets, c.TxBytes, c.TxDropped, c.TxErrors, new SortedDictionary<string, long>(new Dictionary<string, long>(c.DropReasons), StringComparer.Ordinal), c.Queued));
        }
        var hostReports = session.RequestAll([.. hostRefs.Select(host => (host, (object)GetHostCounters.Instance))])
            .Select((answer, i) => Expect<HostCounterSnapshot>(answer, $"host {scenario.Hosts[i].Name}"))
            .Select(s => new HostStackCounters(s.Host, s.Counters))
            .ToList();
        var linkReports = WireReports(session, scenario.Links.Select(l => (l.Name, links[l.Name])));
        var switchReports = WireReports(session, scenario.Switches.Select(s => (s.Name, switches[s.Name])));
        var flowReports = flows.Values.Select(f => f.ToReport()).ToList();
        foreach (var step in scenario.Script.OfType<TcpStep>())
        {
            var t = tcpFlows[step.Name];
            var info = t.SenderHost is { } senderHost ? session.Request(senderHost, new GetTcpInfo(t.SenderSocket)) as TcpInfoReply : null;
            flowReports.Add(t.ToReport(info, scenario.Duration));
        }
        var expectations = ExpectationEvaluator.Evaluate(scenario.Script.OfType<ExpectStep>(), flowReports, nicReports, hostReports);

        var report = new RunReport(Path.GetFileName(scenario.SourcePath), scenario.Seed, scenario.TimeMode, scenario.Duration,
            nicReports, flowReports, hostReports, expectations, linkReports, switchReports) { Interrupted = interrupted, Reached = reached, Bridges = bridges.Collect(session) };
        if (options.OutputDirectory is not null)
        {
            var reportPath = Path.Combine(options.OutputDirectory, "report.json");
            var csvPath = Path.Combine(options.OutputDirectory, "counters.csv");
            ReportWriter.Write(report, reportPath);
            CountersCsvWriter.Write(report, csvPath);
            files.InsertRange(0, [reportPath, csvPath]);
            if (sampler is not null) files.Insert(2, timeSeriesPath!);
            var rttPath = Path.Combine(options.OutputDirectory, "rtt.csv");
            if (sampler is not null && File.Exists(rttPath)) files.Insert(3, rttPath);
        }
        return new RunResult(report, files) { Phases = new RunPhaseTimes(setup, run, clock.Elapsed - setup - run, runCpu, cpuAtStart - cpuAtSetup, turns) };
    }

    /// <summary>The per-wire counters of links or switches, in scenario order.</summary>
    private static List<WiresReport> WireReports(SimulationSession session, IEnumerable<(string Name, IActorRef Actor)> owners) =>
        owners.Select(o => Expect<LinkCounters>(session.Request(o.Actor, GetLinkCounters.Instance), o.Name))
            .Select(c => new WiresReport(c.Name, c.Directions
                .Select(d => new WireReport(d.From, d.To, d.Offered, d.Delivered, new SortedDictionary<string, long>(new Dictionary<string, long>(d.Dropped), StringComparer.Ordinal), d.InFlight))
                .ToList()))
            .ToList();

    /// <summary>Converts the scenario model's address type.</summary>
    internal static IpAddress ToIp(System.Net.IPAddress address) => IpAddress.Parse(address.ToString());

    /// <summary>Sends a batch of set-up requests and checks every answer is an acknowledgement (the types each message
    /// is answered with on success); the first failure, in request order, is the error.</summary>
    private static void RequestAll(SimulationSession session, IReadOnlyList<(IActorRef Target, object Message, string What)> requests)
    {
        var answers = session.RequestAll([.. requests.Select(r => (r.Target, r.Message))]);
        for (var i = 0; i < answers.Length; i++)
            _ = requests[i].Message switch
            {
                CreateNic => Expect<NicInfo>(answers[i], requests[i].What),
                Attach => Expect<Attached>(answers[i], requests[i].What),
                SetPersist => Expect<PersistSet>(answers[i], requests[i].What),
                _ => Expect<HostConfigured>(answers[i], requests[i].What) as object,
            };
    }

    private static T Expect<T>(object answer, string what) => answer switch
    {
        T t => t,
        OperationFailed e => throw new ScenarioSetupException($"{what}: {e}"),
        _ => throw new ScenarioSetupException($"{what}: unexpected answer {answer}"),
    };

    private static void AwaitReady(SimulationSession session, ConcurrentQueue<object> readiness, int expected)
    {
        var ready = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ready < expected)
        {
            session.Settle();
            while (readiness.TryDequeue(out var m))
            {
                if (m is LinkFailed f) throw new ScenarioSetupException($"{f.Name}: cannot attach {f.Endpoint}: {f.Errno} ({f.Errno.Describe()})");
                if (m is LinkReady) ready++;
            }
            if (ready >= expected) break;
            if (session.IsVirtual || DateTime.UtcNow > deadline)
                throw new ScenarioSetupException($"only {ready} of {expected} links and switches attached");
            Thread.Sleep(1); // real mode only: the ports attach on the thread pool
        }
    }
}
