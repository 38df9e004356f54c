using System.Runtime.CompilerServices;

namespace NetSim.Bridge.Tests;

/// <summary>
/// These tests block pool threads for seconds: a run in the background (<see cref="BackgroundRun"/>), real programs
/// waited for, several tests at once. On a 2-core machine the pool starts with 2 threads and adds one about every half
/// second when they are all blocked. NetSim's real-time actors run on threads of their own (netsim.dispatcher's
/// fork-join-executor) since a ping test saw eight replies arrive together 1.6 s late while they were on the pool;
/// what still runs on the pool here is the tests' own asynchronous waiting, so the process gets threads up front.
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
