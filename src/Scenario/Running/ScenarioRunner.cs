using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.Scenario.Reports;
using NetSim.Scenario.Partitioning;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Running;

/// <summary>Where a run writes its results, whom it tells how far it got, and what stops it early.</summary>
/// <param name="OutputDirectory">Folder of report.json, counters.csv and the pcaps; null writes nothing.</param>
/// <param name="Progress">Told the simulated time reached, 50 times per run.</param>
/// <param name="Cancellation">Stops the run at its next slice of simulated time (Ctrl-C, SIGTERM); the report then
/// holds the figures reached and is marked interrupted.</param>
/// <param name="Verbose">Let Akka's own log (actor failures, dead letters) through to the console; off otherwise.</param>
/// <param name="EndsProcess">The process ends once the run's files are written (the <c>netsim</c> command). A
/// virtual-time run without bridges then leaves its actors to the process's exit instead of stopping them one by one
/// (80,000 actors at 10,000 hosts: seconds of CPU): once time no longer passes nothing of theirs runs, and every file is
/// written and closed before the run returns. A caller that goes on (tests, a library) leaves it false.</param>
public sealed record RunOptions(string? OutputDirectory, IProgress<RunProgress>? Progress = null, CancellationToken Cancellation = default, bool Verbose = false,
    bool EndsProcess = false);

/// <summary>Simulated time reached out of the scenario's duration.</summary>
public readonly record struct RunProgress(TimeSpan Simulated, TimeSpan Duration);

/// <summary>The report of a run and the files it wrote.</summary>
public sealed record RunResult(RunReport Report, IReadOnlyList<string> Files)
{
    /// <summary>Wall time of the run's phases (what `netsim bench --scale` reports).</summary>
    public RunPhaseTimes Phases { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>A partitioned run: how each partition's time windows went (empty in one process).</summary>
    public IReadOnlyList<NetSim.Scenario.Partitioning.PartitionStats> Partitions { get; init; } = [];
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
/// <param name="RunAllocatedBytes">Bytes the process allocated in the run phase (every thread; approximate, without a collection).</param>
public readonly record struct RunPhaseTimes(TimeSpan Setup, TimeSpan Run, TimeSpan Results, TimeSpan RunCpu, TimeSpan SetupCpu, long RunTurns = 0, long RunAllocatedBytes = 0);

/// <summary>A scenario that could not be set up (a link to a NIC of the wrong type, an address the stack refused).</summary>
public sealed class ScenarioSetupException(string message) : Exception(message);

/// <summary>
/// Runs a validated <see cref="Scenario"/> on actors: builds the hosts (a StackActor each), their NICs (each held
/// open by a device file: the port's of the link or switch on it, or else one of the host's), addresses and routes, the links and
/// switches (device files on the NICs they join), starts the captures and the script, runs for the scenario's
/// duration (virtual time: as fast as the work allows; real time: on the wall clock), then collects the counters,
/// evaluates the expectations and writes report.json, counters.csv and one pcap per captured NIC. The work is
/// <see cref="PartitionRun"/>'s (the run of a whole scenario is the run of its one partition) and
/// <see cref="RunMerger"/>'s (the report); the helpers below serve both.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Runs <paramref name="scenario"/> in this process and writes its results (the same code path as a
    /// partitioned run with one partition: run it, then merge its one part).</summary>
    public static RunResult Run(Scenario scenario, RunOptions options)
    {
        var local = PartitionRun.Execute(scenario, PartitionPlanner.Single(scenario), 0, exchange: null, options, capturesInPart: false);
        return RunMerger.Merge(scenario, [local.Part], options, failure: null, local);
    }

    /// <summary>
    /// Pays a process's one-time start-up cost of a run's actor system ahead of it (Akka's types loaded, its code
    /// fixed up or compiled: 0.08-0.17 s for the first system of a process, about 0.015 s for a second): a throwaway
    /// virtual-time session with the settings of a quiet run that ends its process, and one host, the first actor a run
    /// starts. Nothing of it reaches a run (its own system name, seed 0, no timers, no log); it is left to the process's
    /// exit, so only a caller whose process ends after its run (<see cref="RunOptions.EndsProcess"/>) should call it.
    /// </summary>
    public static void WarmUp()
    {
        var session = new SimulationSession(NetSim.Actors.Time.TimeMode.Virtual, 0, verbose: false, leaveToProcessExit: true, name: "netsim-warm-up");
        session.ActorOf(NetSim.Actors.Stack.StackActor.Props("warm-up"), "host-warm-up");
        session.Settle();
    }

    /// <summary>The per-wire counters of links or switches, in scenario order.</summary>
    internal static List<WiresReport> WireReports(SimulationSession session, IEnumerable<(string Name, IActorRef Actor)> owners) =>
        owners.Select(o => Expect<LinkCounters>(session.Request(o.Actor, GetLinkCounters.Instance), o.Name))
            .Select(c => new WiresReport(c.Name, c.Directions
                .Select(d => new WireReport(d.From, d.To, d.Offered, d.Delivered, ReportMaps.Sorted(d.Dropped), d.InFlight))
                .ToList()))
            .ToList();

    /// <summary>Converts the scenario model's address type.</summary>
    internal static IpAddress ToIp(System.Net.IPAddress address) => IpAddress.Parse(address.ToString());

    /// <summary>Sends a batch of set-up requests and checks every answer is an acknowledgement (the types each message
    /// is answered with on success); the first failure, in request order, is the error. Returns the answers in order.</summary>
    internal static object[] RequestAll(SimulationSession session, IReadOnlyList<(IActorRef Target, object Message, string What)> requests)
    {
        var answers = session.RequestAll([.. requests.Select(r => (r.Target, r.Message))]);
        for (var i = 0; i < answers.Length; i++)
            _ = requests[i].Message switch
            {
                CreateNic => Expect<NicInfo>(answers[i], requests[i].What),
                Attach => Expect<Attached>(answers[i], requests[i].What),
                SetPersist or SetNicPersist => Expect<PersistSet>(answers[i], requests[i].What),
                _ => Expect<HostConfigured>(answers[i], requests[i].What) as object,
            };
        return answers;
    }

    internal static T Expect<T>(object answer, string what) => answer switch
    {
        T t => t,
        OperationFailed e => throw new ScenarioSetupException($"{what}: {e}"),
        _ => throw new ScenarioSetupException($"{what}: unexpected answer {answer}"),
    };

    internal static void AwaitReady(SimulationSession session, ConcurrentQueue<object> readiness, int expected)
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
