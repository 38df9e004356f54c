using System.Diagnostics;
using BenchmarkDotNet.Running;
using NetSim.Benchmarks;
using NetSim.Benchmarks.Measure;

// dotnet run -c Release --project bench/NetSim.Benchmarks                       the BenchmarkDotNet suite (menu)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --filter '*'       all of it, no menu
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --memory 100000    bytes per idle NIC and its baseline
//                                                     (several counts allowed; --no-baseline skips the bare-actor run)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --quick [seconds]  QuickBench, Stopwatch loops (default 20 s)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --tcp [seconds]    TCP bulk transfer beside ns-3 (default 60 s simulated)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --flow-memory 10000000   peak working set of one N-datagram flow
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --timeseries [rounds] [scenario]
//                                                     what timeseries.csv adds to a run (default 15 rounds, samples/lossy-link-udp.conf)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --setup [N] [rounds] [star|chain]
//                                                     loading and setting up the star N of bench --scale (default 10,000, 3 rounds)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --turns [turns] [rounds]
//                                                     the run phase's floor: ns per scheduler turn of bare actors in virtual time

if (args.Length > 0 && args[0] == "--memory")
{
    // --memory [N ...] [--no-baseline]: per N, the baseline (two bare actors per NIC) then NetSim's NICs.
    var baseline = !args.Contains("--no-baseline");
    var counts = args.Skip(1).Where(a => !a.StartsWith("--")).Select(int.Parse).DefaultIfEmpty(100_000).ToList();
    foreach (var n in counts)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            NicMemoryResult? bare = null;
            if (baseline)
            {
                Console.WriteLine($"memory baseline: {n:N0} pairs of bare actors (what a file + a NIC cost as plain actors)");
                bare = NicMemory.MeasureBareActors(n, log: Console.WriteLine);
                Console.WriteLine($"  {bare}");
            }
            Console.WriteLine($"memory: {n:N0} idle NICs, one attached file each, one host");
            var r = NicMemory.Measure(n, log: Console.WriteLine);
            Console.WriteLine($"  {r}");
            if (bare is not null)
                Console.WriteLine($"  ratio to baseline: {r.ManagedBytesPerNic / bare.ManagedBytesPerNic:N2} " +
                                  $"(NetSim adds {r.ManagedBytesPerNic - bare.ManagedBytesPerNic:N0} B/NIC over two bare actors)");
            Console.WriteLine($"  total time {sw.Elapsed.TotalSeconds:N1} s");
        }
        catch (Exception e)
        {
            Console.WriteLine($"  FAILED after {sw.Elapsed.TotalSeconds:N1} s: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
    return 0;
}

if (args.Length > 0 && args[0] == "--tcp")
{
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60;
    var (peer, note) = VirtualTimeRuns.Ns3Tcp(seconds);
    Console.WriteLine(peer is { } p ? $"ns-3:   {p:N0} segments/wall s ({note})" : $"ns-3:   {note}");
    var tcp = VirtualTimeRuns.TcpBulk(seconds);
    Console.WriteLine($"NetSim: {tcp.SegmentsPerSecond:N0} segments/wall s ({tcp.Segments:N0} segments, {tcp.Goodput / 1e6:F1} Mbit/s, {tcp.WallSeconds:F1} s wall)");
    if (peer is { } q) Console.WriteLine($"NetSim/ns-3: {tcp.SegmentsPerSecond / q:F2}");
    return 0;
}

if (args.Length > 0 && args[0] == "--timeseries")
{
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
    var scenario = args.Length > 2 ? args[2] : Path.Combine("samples", "lossy-link-udp.conf");
    Console.WriteLine($"time series overhead: {scenario}, {rounds} rounds of interval 0 / 100ms / 10ms");
    Console.WriteLine(TimeSeriesOverhead.Measure(scenario, rounds, Console.WriteLine, args.Length > 3 ? args[3] : "10ms"));
    return 0;
}

if (args.Length > 0 && args[0] == "--setup")
{
    var n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var topology = args.Length > 3 ? args[3] : "star";
    // netsim runs with the non-concurrent GC (src/Cli/Cli.csproj); DOTNET_gcConcurrent=0 gives this process the same.
    Console.WriteLine($"set-up speed: {topology} {n:N0}, {rounds} rounds in one process (round 0 cold), concurrent GC {(System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch ? "off" : "on")}");
    var hosts = NetSim.Benchmarks.Scale.ScaleScenario.Create(topology, n).Hosts;
    foreach (var r in SetupSpeed.Run(topology, n, rounds))
        Console.WriteLine($"  {r}; {r.HostsPerSecond(hosts):N0} hosts/s");
    return 0;
}

if (args.Length > 0 && args[0] == "--turns")
{
    var turns = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000_000;
    var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
    Console.WriteLine($"turn floor: bare actors under the virtual-time executor, {turns:N0} turns a case, {rounds} round(s); driving thread's CPU");
    for (var round = 0; round < rounds; round++)
        foreach (var r in TurnFloor.Run(turns)) Console.WriteLine($"  {r}");
    return 0;
}

if (args.Length > 0 && args[0] == "--flow-memory")
{
    // --flow-memory N: one run, one process (a peak working set only grows: compare counts in separate runs).
    var n = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    Console.WriteLine($"flow memory: one UDP flow of {n:N0} datagrams, virtual time");
    Console.WriteLine($"  {FlowMemory.Measure(n)}");
    return 0;
}

if (args.Length > 0 && args[0] == "--quick")
{
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    Console.WriteLine($"quick bench, {seconds} s budget (Stopwatch loops; ratio = time relative to the baseline)");
    QuickBench.Run(TimeSpan.FromSeconds(seconds), r => Console.WriteLine(r));
    return 0;
}

// No arguments: every benchmark (BenchmarkDotNet would otherwise ask which, and wait for an answer).
BenchmarkSwitcher.FromAssembly(typeof(FramePathBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
return 0;
