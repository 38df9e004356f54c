using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>What one <c>netsim</c> invocation returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the <c>netsim</c> command in this process or as a child process, and finds the samples.</summary>
public static class Cli
{
    /// <summary>The sample scenarios, copied next to the test assembly (see Cli.Tests.csproj).</summary>
    public static string SamplesDirectory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string Sample(string name) => Path.Combine(SamplesDirectory, name + ".conf");

    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = NetSimCommand.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet netsim.dll ARGS</c> in a separate process (netsim.dll is copied to the test output).</summary>
    public static CliResult RunProcess(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "netsim.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references src/Cli, so it should be copied");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(300_000), "netsim did not finish within 5 minutes");
        return new CliResult(p.ExitCode, stdout.Result, stderr);
    }

    public static JsonDocument Report(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
}

/// <summary>A fresh folder under the temp directory, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netsim-cli-tests", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var file = this[name];
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
