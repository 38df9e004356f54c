using System.Diagnostics;
using Xunit;

namespace NetSim.Samples.Tests;

/// <summary>What a sample program printed and returned.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the sample programs (and the commands around them) as child processes.</summary>
public static class SampleProcess
{
    /// <summary>The repository root (the folder holding NetSim.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration these tests were built in, so the samples' builds are found.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs the built <paramref name="assembly"/> of the sample in samples/<paramref name="sample"/>.</summary>
    public static ProcessResult RunSample(string sample, string assembly)
    {
        var dll = Path.Combine(Root, "samples", sample, "bin", Configuration, "net10.0", assembly + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: Samples.Tests.csproj references the sample, so it should be built");
        return Run(Dotnet, [dll], Root, TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static ProcessResult Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {limit}");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NetSim.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("no NetSim.sln above the test binaries");
        return dir;
    }
}
