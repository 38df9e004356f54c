namespace NetSim.Actors.Time;

/// <summary>
/// How a NetSim run measures and advances time. Selected by <c>netsim.time.mode</c>.
/// </summary>
public enum TimeMode
{
    /// <summary>Wall-clock time: Akka's default scheduler and a thread-pool dispatcher. Runs are not reproducible.</summary>
    Real,

    /// <summary>
    /// Simulated time: <see cref="VirtualScheduler"/> plus a single-threaded FIFO dispatcher, both driven by
    /// <see cref="SimulationDriver"/>. The same inputs and seed give the same message order and timings.
    /// </summary>
    Virtual,
}
