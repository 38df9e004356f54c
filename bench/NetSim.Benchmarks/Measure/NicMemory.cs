using System.Diagnostics;
using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Device;
using NetSim.Protocol;
using NetSim.Protocol.Device;

namespace NetSim.Benchmarks.Measure;

/// <summary>The retained memory of idle NICs, one attached file each, all on one host.</summary>
public sealed record NicMemoryResult(
    int Nics,
    long ManagedBytesBefore,
    long ManagedBytesAfter,
    long HeapBytesBefore,
    long HeapBytesAfter,
    long WorkingSetBefore,
    long WorkingSetAfter,
    TimeSpan CreateTime,
    TimeSpan ShutdownTime)
{
    /// <summary>GC.GetTotalMemory(true) growth per NIC (file actor + NIC actor + stack bookkeeping).</summary>
    public double ManagedBytesPerNic => (double)(ManagedBytesAfter - ManagedBytesBefore) / Nics;
    /// <summary>GC heap size growth per NIC (GC.GetGCMemoryInfo().HeapSizeBytes after a compacting GC).</summary>
    public double HeapBytesPerNic => (double)(HeapBytesAfter - HeapBytesBefore) / Nics;
    /// <summary>Process working set growth per NIC.</summary>
    public double WorkingSetPerNic => (double)(WorkingSetAfter - WorkingSetBefore) / Nics;
    /// <summary>Attached files (= NICs) created per second.</summary>
    public double NicsPerSecond => Nics / CreateTime.TotalSeconds;

    public override string ToString() =>
        $"{Nics:N0} NICs: {ManagedBytesPerNic:N0} B/NIC managed (GetTotalMemory), {HeapBytesPerNic:N0} B/NIC GC heap, " +
        $"{WorkingSetPerNic:N0} B/NIC working set; total managed {(ManagedBytesAfter - ManagedBytesBefore) / 1048576.0:N1} MiB; " +
        $"created in {CreateTime.TotalSeconds:N2} s ({NicsPerSecond:N0}/s), shutdown {ShutdownTime.TotalSeconds:N2} s";
}

/// <summary>
/// Creates <c>n</c> device files on one host, each attached to its own new TUN NIC (Attach("")), and measures the
/// memory retained after a full compacting GC against the same system before. A driver actor keeps
/// <c>window</c> attaches in flight (no Ask); the caller waits on a TaskCompletionSource.
/// </summary>
public static class NicMemory
{
    public static NicMemoryResult Measure(int nics, int window = 1000, Action<string>? log = null, TimeSpan? timeout = null) =>
        Measure(nics, window, log, timeout, bare: false);

    /// <summary>
    /// The baseline: the same measurement with two bare Akka actors (children of one driver, like the files; each
    /// answers one Identify) per "NIC" instead of a file and a NIC: what the actors alone cost.
    /// </summary>
    public static NicMemoryResult MeasureBareActors(int pairs, int window = 1000, Action<string>? log = null, TimeSpan? timeout = null) =>
        Measure(pairs, window, log, timeout, bare: true);

    private static NicMemoryResult Measure(int nics, int window, Action<string>? log, TimeSpan? timeout, bool bare)
    {
        var sim = NetSimSystem.Create("bench-memory");
        var shutdown = new Stopwatch();
        var disposed = false;
        try
        {
            var host = sim.AddHost("h1");
            var driver = sim.System.ActorOf(Props.Create(() => new AttachDriver(host, bare)), "attach");
            Attach(driver, 100, window, TimeSpan.FromSeconds(60)); // warm-up: JIT, first-use allocations
            var (managed0, heap0, ws0) = Snapshot();
            log?.Invoke($"before: managed {managed0 / 1048576.0:N1} MiB, heap {heap0 / 1048576.0:N1} MiB, working set {ws0 / 1048576.0:N1} MiB");
            var sw = Stopwatch.StartNew();
            Attach(driver, nics, window, timeout ?? TimeSpan.FromMinutes(20), log);
            var createTime = sw.Elapsed;
            var (managed1, heap1, ws1) = Snapshot();
            GC.KeepAlive(sim);
            shutdown.Start();
            disposed = true;
            sim.Dispose();
            shutdown.Stop();
            return new NicMemoryResult(nics, managed0, managed1, heap0, heap1, ws0, ws1, createTime, shutdown.Elapsed);
        }
        finally
        {
            if (!disposed) sim.Dispose();
        }
    }

    private static (long Managed, long Heap, long WorkingSet) Snapshot()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var heap = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (managed, heap, p.WorkingSet64);
    }

    private static void Attach(IActorRef driver, int n, int window, TimeSpan timeout, Action<string>? log = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.Tell(new AttachMany(n, window, done, log));
        if (!done.Task.Wait(timeout)) throw new TimeoutException($"attaching {n} files did not finish within {timeout}");
    }

    private sealed record AttachMany(int Count, int Window, TaskCompletionSource Done, Action<string>? Log);

    private sealed class AttachDriver(IActorRef host, bool bare) : UntypedActor
    {
        private readonly Identify _identify = new(null);
        private bool _half;
        private static readonly Attach AttachNew = new("", TunFlags.Tun | TunFlags.NoPacketInfo);
        private int _target, _started, _attached;
        private AttachMany? _job;
        private readonly Stopwatch _clock = new();

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case AttachMany m:
                    _job = m;
                    _target = m.Count;
                    _started = _attached = 0;
                    _clock.Restart();
                    for (var i = 0; i < m.Window; i++) Next();
                    break;
                case ActorIdentity when bare:
                    _half = !_half;
                    if (!_half) OneMore(); // two actors per "NIC"
                    break;
                case Attached:
                    OneMore();
                    break;
                default:
                    _job?.Done.TrySetException(new InvalidOperationException($"unexpected {message}"));
                    break;
            }
        }

        private void OneMore()
        {
            _attached++;
            if (_job?.Log is { } log && _attached % 100_000 == 0)
                log($"  {_attached:N0} attached after {_clock.Elapsed.TotalSeconds:N1} s");
            if (_attached >= _target) { _job?.Done.TrySetResult(); _job = null; }
            else Next();
        }

        private void Next()
        {
            if (_started >= _target) return;
            _started++;
            if (bare)
            {
                Context.ActorOf(Props.Create<Bare>()).Tell(_identify);
                Context.ActorOf(Props.Create<Bare>()).Tell(_identify);
            }
            else Context.ActorOf(DeviceActor.Props(host)).Tell(AttachNew);
        }
    }

    private sealed class Bare : UntypedActor
    {
        protected override void OnReceive(object message) { }
    }
}
