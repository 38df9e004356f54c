using Akka.Configuration;
using Akka.Dispatch;

namespace NetSim.Actors.Time;

/// <summary>
/// Executor for Akka's ordinary <c>Dispatcher</c> that does not run anything itself: it appends every mailbox run
/// to the FIFO run queue of the system's <see cref="VirtualScheduler"/>, where <see cref="SimulationDriver"/> executes
/// them one by one on the driving thread. Selected with
/// <c>executor = "NetSim.Actors.Time.VirtualExecutorConfigurator, NetSim.Actors"</c> in a dispatcher section.
/// </summary>
/// <remarks>
/// Reusing Akka's <c>Dispatcher</c> (rather than a custom <see cref="MessageDispatcher"/>) keeps Akka's own mailbox
/// scheduling, throughput and attach/detach bookkeeping; only "which thread, in which order" is replaced.
/// </remarks>
public sealed class VirtualExecutorConfigurator : ExecutorServiceConfigurator
{
    private readonly VirtualScheduler _scheduler;

    /// <summary>Called by Akka's <c>MessageDispatcherConfigurator.ConfigureExecutor</c>.</summary>
    /// <exception cref="ConfigurationException">The actor system does not use <see cref="VirtualScheduler"/>.</exception>
    public VirtualExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : base(config, prerequisites)
    {
        _scheduler = prerequisites.Scheduler as VirtualScheduler
            ?? throw new ConfigurationException(
                $"The virtual-time executor needs akka.scheduler.implementation = \"{TimeModeConfig.VirtualSchedulerTypeName}\", " +
                $"but the scheduler is {prerequisites.Scheduler.GetType().FullName}. Build the config with TimeModeConfig.For(TimeMode.Virtual).");
    }

    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new VirtualExecutorService(id, _scheduler);

    private sealed class VirtualExecutorService(string id, VirtualScheduler scheduler) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => scheduler.EnqueueRun(run);

        // Akka shuts an executor down when its dispatcher has had no actors for shutdown-timeout and produces a new
        // one on next use. The queue belongs to the scheduler, so there is nothing to release here.
        public override void Shutdown()
        {
        }
    }
}
