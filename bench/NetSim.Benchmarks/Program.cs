using System.Diagnostics;
using BenchmarkDotNet.Running;
using NetSim.Benchmarks;
using NetSim.Benchmarks.Measure;

// dotnet run -c Release --project bench/NetSim.Benchmarks                       the BenchmarkDotNet suite (menu)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --filter '*'       all of it, no menu
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --memory 100000    bytes per idle NIC (several counts allowed)
// dotnet run -c Release --project bench/NetSim.Benchmarks -- --quick [seconds]  QuickBench, Stopwatch loops (default 20 s)

if (args.Length > 0 && args[0] == "--memory")
{
    var counts = args.Skip(1).Select(int.Parse).DefaultIfEmpty(100_000).ToList();
    foreach (var n in counts)
    {
        Console.WriteLine($"memory: {n:N0} idle NICs, one attached file each, one host");
        var sw = Stopwatch.StartNew();
        try
        {
            var r = NicMemory.Measure(n, log: Console.WriteLine);
            Console.WriteLine($"  {r}");
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

if (args.Length > 0 && args[0] == "--quick")
{
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    Console.WriteLine($"quick bench, {seconds} s budget (Stopwatch loops; ratio = time relative to the baseline)");
    QuickBench.Run(TimeSpan.FromSeconds(seconds), r => Console.WriteLine(r));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(FramePathBenchmarks).Assembly).Run(args);
return 0;
