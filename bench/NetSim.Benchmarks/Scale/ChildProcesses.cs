using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetSim.Benchmarks.Scale;

/// <summary>One finished child process: its standard output lines and error text, exit code, wall seconds, and CPU
/// seconds (user + sys, from getrusage of the children; NaN where the system has no getrusage).</summary>
public sealed record ChildRun(IReadOnlyList<string> Lines, string Error, int ExitCode, double WallSeconds, double CpuSeconds);

/// <summary>
/// Whole runs measured as processes of their own (<c>netsim bench --scale</c> and <c>--short</c>): a process's peak
/// RSS, start-up and exit are its own. Children are run one at a time, so the CPU the process's children used grew by
/// exactly that child's.
/// </summary>
public static class ChildProcesses
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="args"/> to its end; throws (with its output) when it
    /// exits with a code not in <paramref name="okExitCodes"/> (default: only 0).</summary>
    public static ChildRun Run(string fileName, IEnumerable<string> args, params int[] okExitCodes)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var cpuBefore = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var error = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line) lines.Add(line);
        process.WaitForExit();
        var wall = clock.Elapsed.TotalSeconds;
        var run = new ChildRun(lines, error.Result, process.ExitCode, wall, ChildrenCpuSeconds() - cpuBefore);
        if (!(okExitCodes.Length == 0 ? [0] : okExitCodes).Contains(run.ExitCode))
            throw new InvalidOperationException($"{fileName} {string.Join(' ', info.ArgumentList)} exited {run.ExitCode}: {run.Error}{string.Join("\n", lines)}");
        return run;
    }

    /// <summary>The median (the mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    // CPU of every child this process has waited for (getrusage(RUSAGE_CHILDREN)): the difference around one run is that run's.
    private static double ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return double.NaN;
        if (GetRusage(-1, out var usage) != 0) return double.NaN;
        return usage.UserSeconds + usage.UserMicroseconds / 1e6 + usage.SystemSeconds + usage.SystemMicroseconds / 1e6;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out RUsage usage);
}
