using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using NetSim.Benchmarks.Measure;

namespace NetSim.Benchmarks;

/// <summary>
/// A short job (1 launch, 3 warm-up, 8 measured iterations) so the whole suite runs in a few minutes, the
/// MemoryDiagnoser (allocations per operation, all threads) and operations per second (frames/s, cycles/s).
/// </summary>
public class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

/// <summary>
/// Write -> NIC -> stack -> forwarder -> NIC -> Read, one frame per operation (Op/s = frames/s). The baseline is
/// the same work without actors (<see cref="DirectFramePath"/>), so Ratio is the actor layer's cost.
/// </summary>
[Config(typeof(ShortConfig))]
public class FramePathBenchmarks
{
    public const int Frames = 8192;
    private ActorFramePath _actors = null!;
    private DirectFramePath _direct = null!;

    [GlobalSetup]
    public void Setup()
    {
        _actors = ActorFramePath.Start();
        _direct = new DirectFramePath();
    }

    [GlobalCleanup]
    public void Cleanup() => _actors.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "Direct (no actors)")]
    public long Direct() => _direct.Run(Frames);

    [Benchmark(OperationsPerInvoke = Frames, Description = "Actors, Write/Read")]
    public void ActorsSingle() => _actors.Run(Frames, 1);

    [Benchmark(OperationsPerInvoke = Frames, Description = "Actors, WriteBatch/ReadBatch 64")]
    public void ActorsBatch64() => _actors.Run(Frames, 64);
}

/// <summary>
/// Forwarding through a router host: frames written into one file, routed by the host's IP stack (TTL, checksum,
/// longest-prefix match), read from the other NIC's file. Op/s = frames/s. Baseline: the same code, no actors.
/// </summary>
[Config(typeof(ShortConfig))]
public class RouterBenchmarks
{
    public const int Frames = 8192;
    private ActorFramePath _actors = null!;
    private DirectRouterPath _direct = null!;

    [GlobalSetup]
    public void Setup()
    {
        _actors = ActorFramePath.Start("bench-router", router: true);
        _direct = new DirectRouterPath();
    }

    [GlobalCleanup]
    public void Cleanup() => _actors.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "Router direct (no actors), batch 64")]
    public long Direct() => _direct.Run(Frames, 64);

    [Benchmark(OperationsPerInvoke = Frames, Description = "Router actors, Write/Read")]
    public void ActorsSingle() => _actors.Run(Frames, 1);

    [Benchmark(OperationsPerInvoke = Frames, Description = "Router actors, WriteBatch/ReadBatch 64")]
    public void ActorsBatch64() => _actors.Run(Frames, 64);
}

/// <summary>
/// NIC creation and teardown: open, Attach(""), Close, NicRemoved (Op/s = cycles/s). The baseline is a bare Akka
/// actor's spawn, request/reply, stop and Terminated (<see cref="NicLifecycle.RunBareActors"/>).
/// </summary>
[Config(typeof(ShortConfig))]
public class NicLifecycleBenchmarks
{
    public const int Cycles = 1000;
    private NicLifecycle _rig = null!;

    [GlobalSetup]
    public void Setup() => _rig = NicLifecycle.Start();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Cycles, Description = "Bare actor spawn/ping/stop")]
    public void BareActor() => _rig.RunBareActors(Cycles);

    [Benchmark(OperationsPerInvoke = Cycles, Description = "Bare actor, 64 concurrent")]
    public void BareActorConcurrent() => _rig.RunBareActors(Cycles, 64);

    [Benchmark(OperationsPerInvoke = Cycles, Description = "NIC open/attach/close/removed")]
    public void NicCycle() => _rig.Run(Cycles);

    [Benchmark(OperationsPerInvoke = Cycles, Description = "NIC cycle, 64 concurrent")]
    public void NicCycleConcurrent() => _rig.Run(Cycles, 64);
}
