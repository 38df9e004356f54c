namespace NetSim.Cli;

/// <summary><c>netsim bench</c>: the quick figures of bench/NetSim.Benchmarks, as a table and as JSON.</summary>
internal static class BenchCommand
{
    public static int Run(bool quick, FileInfo? json, TextWriter output)
    {
        output.WriteLine("netsim bench: not built yet");
        return 2;
    }
}
