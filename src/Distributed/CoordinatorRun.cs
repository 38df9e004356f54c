using Akka.Actor;
using NetSim.Protocol.Distributed;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Running;

namespace NetSim.Distributed;

/// <summary>What the coordinator runs: the scenario as loaded and as its text (which workers load in turn).</summary>
/// <param name="Scenario">The loaded scenario.</param>
/// <param name="Plan">Its partition plan (computed before anyone is started, so plan errors come first).</param>
/// <param name="Assignment">What every worker is told (file name, text, overrides, seed).</param>
/// <param name="Listen">Where the coordinator listens (port 0: any free port).</param>
/// <param name="Options">Output folder, progress and cancellation of the run.</param>
/// <param name="Settings">Timings and chunk size.</param>
public sealed record CoordinatorRequest(
    Scenario.Scenario Scenario,
    PartitionPlan Plan,
    PartitionAssignment Assignment,
    EndPoint Listen,
    RunOptions Options,
    DistributedSettings Settings);

/// <summary>What a distributed run gave: the merged report (partial when <see cref="RunOutcome.Failure"/> is set).</summary>
public sealed record CoordinatorResult(RunResult Result, RunOutcome Outcome);

/// <summary>The workers did not all join in time (or one left before the run started).</summary>
public sealed class WorkersMissingException(string message) : Exception(message);

/// <summary>
/// The coordinator process of a distributed run: starts the control cluster's seed node, waits for the workers, runs
/// partition 0 itself (window by window through the barrier), gathers every partition's results and merges them into
/// the one report.
/// </summary>
public static class CoordinatorRun
{
    /// <summary>Runs <paramref name="request"/> with <paramref name="engine"/>.</summary>
    /// <param name="engine">The partition engine (the same in every process).</param>
    /// <param name="request">What to run.</param>
    /// <param name="listening">Called once the coordinator listens, with its address and the actor that local worker
    /// processes' exits go to (<see cref="WorkerProcessExited"/>); starts the local workers, or tells the user whom to start.</param>
    /// <param name="log">What happens on the way (workers joining); null: nothing.</param>
    /// <param name="verbose">Akka's own log on the console.</param>
    /// <exception cref="WorkersMissingException">Not every worker joined within the worker timeout.</exception>
    /// <exception cref="OperationCanceledException">The run was interrupted before every worker joined.</exception>
    public static CoordinatorResult Run(IPartitionEngine engine, CoordinatorRequest request, Action<EndPoint, IActorRef> listening, Action<string>? log, bool verbose)
    {
        var count = request.Plan.Count;
        var system = ControlSystem.Start(request.Listen.Host, request.Listen.Port, seed: null, request.Settings, verbose, ControlSystem.CoordinatorRole);
        using var inbox = new PartitionInbox();
        try
        {
            var agent = system.ActorOf(PartitionAgent.Props(inbox), "partition-0");
            var signals = new CoordinatorSignals { Log = log };
            var setup = new CoordinatorSetup(count, request.Assignment with { Count = count }, new CrossFrameRoutes(request.Scenario, request.Plan), agent, request.Settings);
            var coordinator = system.ActorOf(RunCoordinator.Props(setup, signals), RunCoordinator.ActorName);
            listening(ControlSystem.AddressOf(system), coordinator);

            WaitForWorkers(signals, coordinator, count, request);

            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(request.Options.Cancellation, inbox.Aborted);
            using var interrupt = request.Options.Cancellation.Register(() => coordinator.Tell(new InterruptRun("the coordinator was interrupted")));
            var exchange = new ClusterWindowExchange(coordinator, agent, inbox, request.Settings.ChunkBytes);
            byte[] part;
            try
            {
                part = engine.RunPartition(request.Scenario, request.Plan, 0, exchange, request.Options with { Cancellation = aborted.Token });
            }
            catch (Exception e)
            {
                coordinator.Tell(new LocalPartDone(null, exchange.Times, $"{e.GetType().Name}: {e.Message}"));
                throw;
            }
            coordinator.Tell(new LocalPartDone(part, exchange.Times, null));
            var outcome = signals.Outcome.Task.GetAwaiter().GetResult();
            var result = engine.Merge(request.Scenario, request.Plan, outcome.Parts, request.Options, outcome.Failure);
            AwaitWorkersLeaving(system, request.Settings.FailureTimeout);
            return new CoordinatorResult(result, outcome);
        }
        finally
        {
            ControlSystem.Stop(system, request.Settings.FailureTimeout);
        }
    }

    /// <summary>
    /// Lets the workers leave first (they have been told the run is complete): were the coordinator to leave before
    /// a worker read that, the worker would take it for a coordinator lost mid-run. Bounded by <paramref name="limit"/>.
    /// </summary>
    private static void AwaitWorkersLeaving(ActorSystem system, TimeSpan limit)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit && cluster.State.Members.Any(m => m.HasRole(ControlSystem.WorkerRole) && m.Status != Akka.Cluster.MemberStatus.Removed)
               && !cluster.State.Members.Where(m => m.HasRole(ControlSystem.WorkerRole)).All(m => cluster.State.Unreachable.Contains(m)))
            Thread.Sleep(20);
    }

    private static void WaitForWorkers(CoordinatorSignals signals, IActorRef coordinator, int count, CoordinatorRequest request)
    {
        var joined = signals.Joined.Task;
        if (count == 1) return;
        try
        {
            if (joined.Wait(request.Settings.WorkerTimeout, request.Options.Cancellation)) return;
        }
        catch (OperationCanceledException)
        {
            coordinator.Tell(new GiveUp("the coordinator was interrupted before the run started"));
            throw;
        }
        catch (AggregateException e) when (e.InnerException is WorkerLostException lost)
        {
            coordinator.Tell(new GiveUp($"the run cannot start: {lost.Message}"));
            throw new WorkersMissingException(lost.Message);
        }
        coordinator.Tell(new GiveUp("not every worker joined in time"));
        throw new WorkersMissingException($"not every worker joined within {request.Settings.WorkerTimeout.TotalSeconds:0.###} s (wanted {count - 1})");
    }
}
