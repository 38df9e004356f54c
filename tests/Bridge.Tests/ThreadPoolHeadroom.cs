using System.Runtime.CompilerServices;

namespace NetSim.Bridge.Tests;

/// <summary>
/// Real-time runs put NetSim's actors on the .NET thread pool, and these tests block pool threads for seconds: a run
/// in the background (<see cref="BackgroundRun"/>), real programs waited for, several tests at once. On a 2-core
/// machine the pool starts with 2 threads and adds one about every half second when they are all blocked, so a
/// simulation in a test could stand still for over a second (seen: eight pings answered together 1.6 s late). The
/// `netsim` process blocks no pool thread; the tests' process gets enough threads up front.
/// </summary>
internal static class ThreadPoolHeadroom
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
