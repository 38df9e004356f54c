using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using NetSim.Protocol.Distributed;
using NetSim.Scenario;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Running;

namespace NetSim.Distributed;

/// <summary>How a worker process ended.</summary>
/// <param name="Completed">It ran its partition to the end and the coordinator has its results.</param>
/// <param name="Message">What to tell the user when it did not (one line), or null.</param>
/// <param name="Partition">The partition it ran, or -1 when it never got one.</param>
public sealed record WorkerOutcome(bool Completed, string? Message, int Partition);

/// <summary>Where a worker joins and how it watches its coordinator.</summary>
/// <param name="Join">The coordinator's address (<c>--join</c>).</param>
/// <param name="Bind">Where this worker listens (port 0: any free port).</param>
/// <param name="ParentProcessId">For a local worker: the coordinator's process id, watched besides the cluster.</param>
/// <param name="Settings">Timings and chunk size.</param>
/// <param name="Verbose">Akka's own log on the console.</param>
public sealed record WorkerRequest(EndPoint Join, EndPoint Bind, int? ParentProcessId, DistributedSettings Settings, bool Verbose);

/// <summary>
/// A worker process of a distributed run: joins the coordinator's cluster, receives its partition and the scenario,
/// runs the partition window by window through the coordinator's barrier, sends its results and exits. It stops as
/// soon as the coordinator is gone (unreachable, left the cluster, or, for a local worker, its process ended).
/// </summary>
public static class WorkerRun
{
    /// <summary>Runs one worker until its run ends.</summary>
    /// <param name="engine">The partition engine (the same build as the coordinator's).</param>
    /// <param name="request">Where to join.</param>
    /// <param name="interruption">Cancelled by SIGINT/SIGTERM of this process.</param>
    /// <param name="log">What happens on the way; null: nothing.</param>
    /// <param name="started">Told the worker's control system once it runs (for hosts that embed workers, and tests).</param>
    public static WorkerOutcome Run(IPartitionEngine engine, WorkerRequest request, CancellationToken interruption, Action<string>? log, Action<ActorSystem>? started = null)
    {
        var settings = request.Settings;
        var system = ControlSystem.Start(request.Bind.Host, request.Bind.Port, request.Join, settings, request.Verbose, ControlSystem.WorkerRole);
        started?.Invoke(system);
        using var inbox = new PartitionInbox();
        using var parentWatch = request.ParentProcessId is { } parent ? WatchParent(parent, inbox) : null;
        var partition = -1;
        try
        {
            var agent = system.ActorOf(PartitionAgent.Props(inbox), "partition");
            system.ActorOf(Akka.Actor.Props.Create(() => new CoordinatorWatch(inbox, request.Join)), "coordinator-watch");
            var hello = new WorkerHello(Environment.ProcessId, BuildIdentity.Current, Environment.MachineName);
            Cluster.Get(system).RegisterOnMemberUp(() => system.ActorSelection(request.Join.CoordinatorPath).Tell(hello, agent));
            log?.Invoke($"joining {request.Join} from {ControlSystem.AddressOf(system)}");

            PartitionAssignment assignment;
            try
            {
                var task = inbox.Assignment.Task;
                if (!task.Wait(settings.WorkerTimeout, interruption))
                    return new(false, $"no partition from the coordinator at {request.Join} within {settings.WorkerTimeout.TotalSeconds:0.###} s (is it running 'netsim run FILE --listen {request.Join} --workers N'?)", -1);
                assignment = task.Result;
            }
            catch (AggregateException e) when (e.InnerException is not null)
            {
                return new(false, e.InnerException is WorkerRefusedException refused
                    ? $"the coordinator at {request.Join} refused this worker: {refused.Message}"
                    : $"{e.InnerException.Message} before this worker got a partition", -1);
            }
            partition = assignment.Partition;
            var coordinator = inbox.Coordinator!;
            log?.Invoke($"running partition {partition} of {assignment.Count} of {assignment.FileName}");

            var prepared = Prepare(engine, assignment);
            if (prepared.Problem is { } why)
            {
                coordinator.Tell(new PartitionFailed(partition, why), agent);
                AwaitAbort(inbox, settings.FailureTimeout);
                return new(false, why, partition);
            }
            var (scenario, plan) = (prepared.Scenario!, prepared.Plan!);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(interruption, inbox.Aborted);
            var exchange = new ClusterWindowExchange(coordinator, agent, inbox, settings.ChunkBytes);
            byte[] part;
            try
            {
                part = engine.RunPartition(scenario, plan, partition, exchange, new RunOptions(null, Cancellation: stop.Token, Verbose: request.Verbose));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                coordinator.Tell(new PartitionFailed(partition, $"{e.GetType().Name}: {e.Message}"), agent);
                AwaitAbort(inbox, settings.FailureTimeout);
                return new(false, $"partition {partition} failed: {e.GetType().Name}: {e.Message}", partition);
            }
            if (interruption.IsCancellationRequested)
            {
                coordinator.Tell(new PartitionFailed(partition, "the worker was interrupted (SIGINT or SIGTERM)"), agent);
                return new(false, "interrupted", partition);
            }
            if (inbox.AbortReason is PartitionLostException { Partition: 0 } gone)
                return new(false, $"{gone.Worker} is gone; partition {partition} stops", partition);

            exchange.SendPart(partition, part);
            try
            {
                // Bounded: an aborted coordinator waits up to the failure timeout for the other partitions' results
                // before it releases this one.
                inbox.RunCompleted.Task.Wait(3 * settings.FailureTimeout, interruption);
            }
            catch (Exception e) when (e is AggregateException or OperationCanceledException)
            {
                // the coordinator vanished after the results were sent, or this worker was interrupted while waiting
            }
            return inbox.RunCompleted.Task.IsCompletedSuccessfully && inbox.AbortReason is null
                ? new(true, null, partition)
                : new(false, $"the run ended early: {inbox.AbortReason?.Message ?? "interrupted"}", partition);
        }
        finally
        {
            ControlSystem.Stop(system, settings.FailureTimeout);
        }
    }

    private readonly record struct Prepared(Scenario.Scenario? Scenario, PartitionPlan? Plan, string? Problem);

    /// <summary>Loads the scenario the coordinator sent and plans it as the coordinator did.</summary>
    private static Prepared Prepare(IPartitionEngine engine, PartitionAssignment a)
    {
        var loaded = ScenarioLoader.LoadFromText(a.ScenarioText, a.FileName, a.Overrides, a.Seed, a.MaxFileBytes);
        if (!loaded.Succeeded) return new(null, null, $"the scenario does not load on this worker: {loaded.Errors[0]}");
        var planned = engine.Plan(loaded.Scenario!, a.Count);
        if (planned.Plan is null) return new(null, null, $"the scenario does not split on this worker: {(planned.Errors.IsDefaultOrEmpty ? "no plan" : planned.Errors[0].ToString())}");
        return new(loaded.Scenario, planned.Plan, null);
    }

    /// <summary>
    /// Waits (bounded) until the coordinator has taken this worker's failure and aborted the run. The failure and this
    /// worker leaving the cluster travel by different routes (a remote message, cluster gossip); leaving before the
    /// coordinator has read the failure would let it report "left the cluster" instead of the reason.
    /// </summary>
    private static void AwaitAbort(PartitionInbox inbox, TimeSpan limit) => inbox.Aborted.WaitHandle.WaitOne(limit);

    /// <summary>Aborts the run once the coordinator's process (a local worker's parent) has ended.</summary>
    private static Timer WatchParent(int processId, PartitionInbox inbox) => new(_ =>
    {
        if (IsAlive(processId)) return;
        inbox.AbortUnreleased(new PartitionLostException(0, $"the coordinator process {processId}"));
    }, null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));

    private static bool IsAlive(int processId)
    {
        try
        {
            using var p = Process.GetProcessById(processId);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Aborts the run once the coordinator's member is unreachable or has left the cluster.</summary>
    private sealed class CoordinatorWatch : ReceiveActor
    {
        public CoordinatorWatch(PartitionInbox inbox, EndPoint join)
        {
            void Gone(Member m, string how)
            {
                if (m.HasRole(ControlSystem.CoordinatorRole))
                    inbox.AbortUnreleased(new PartitionLostException(0, $"the coordinator at {join} ({how})"));
            }
            Receive<ClusterEvent.UnreachableMember>(e => Gone(e.Member, "unreachable"));
            Receive<ClusterEvent.IMemberEvent>(e =>
            {
                if (e is ClusterEvent.MemberLeft or ClusterEvent.MemberExited or ClusterEvent.MemberRemoved or ClusterEvent.MemberDowned)
                    Gone(e.Member, "left the cluster");
            });
        }

        protected override void PreStart() =>
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
