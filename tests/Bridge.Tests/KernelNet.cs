using System.Diagnostics;
using NetSim.Bridge.Kernel;
using NetSim.Scenario;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Bridge.Tests;

/// <summary>What the bridge tests need from the machine, and the commands they run.</summary>
public static class KernelNet
{
    private static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>
    /// Skips the test on a machine without root, /dev/net/tun, iproute2 or one of <paramref name="tools"/>; in CI
    /// (CI=true) fails instead, since .ci/run installs them and runs as root.
    /// </summary>
    public static void Require(params string[] tools)
    {
        var missing = KernelBridgeSupport.Missing()
            ?? tools.Where(t => Which(t) is null).Select(t => $"the test needs {t} (see .ci/run)").FirstOrDefault();
        if (missing is null) return;
        Assert.False(InCi, $"in CI: {missing}");
        Skip.If(true, missing);
    }

    /// <summary>Debian's python3 (the one the socket scripts need): skips without it on a laptop, fails in CI.</summary>
    public static string RequirePython()
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python) || !InCi, "CI needs Debian's python3");
        Skip.IfNot(File.Exists(python), "no /usr/bin/python3");
        return python;
    }

    public static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Append("/usr/sbin").Append("/sbin")
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>A name no other test (or run) uses: <paramref name="prefix"/> and 6 random hex digits.</summary>
    public static string Unique(string prefix) => prefix + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..6].ToLowerInvariant();

    /// <summary>Runs a command with a time bound; returns its exit code and output.</summary>
    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(Which(file) ?? file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(entireProcessTree: true); Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 30 s"); }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs <paramref name="args"/> inside namespace <paramref name="netns"/>.</summary>
    public static (int Code, string Output) InNetns(string netns, params string[] args) => Run("ip", ["netns", "exec", netns, .. args]);

    public static bool NetnsExists(string netns) => File.Exists(Path.Combine("/run/netns", netns));

    /// <summary>Whether an interface of that name exists in the root namespace (or in <paramref name="netns"/>).</summary>
    public static bool LinkExists(string device, string? netns = null) =>
        (netns is null ? Run("ip", "link", "show", "dev", device) : Run("ip", "-n", netns, "link", "show", "dev", device)).Code == 0;

    /// <summary>Whether a run in another thread or process has set its bridge up: the device has its route (set-up's last step).</summary>
    public static bool BridgeUp(string netns, string device) =>
        NetnsExists(netns) && Run("ip", "-n", netns, "route", "show", "dev", device).Output.Contains(" via ", StringComparison.Ordinal);

    /// <summary>Removes a namespace the test made, if it is still there (the cleanup under test should have done it).</summary>
    public static void DeleteNetns(string netns)
    {
        if (NetnsExists(netns)) Run("ip", "netns", "delete", netns);
    }

    /// <summary>Asserts that nothing the run made is left: the namespace, and the device in the root namespace.</summary>
    public static void AssertGone(string netns, string device)
    {
        Assert.False(NetnsExists(netns), $"namespace {netns} is left behind");
        Assert.DoesNotContain($" {netns}", " " + Run("ip", "netns", "list").Output);
        Assert.False(LinkExists(device), $"device {device} is left in the root namespace");
    }
}

/// <summary>
/// A scenario run in the background of a test: started, then <see cref="WaitUntilRunning"/> returns once the kernel
/// side exists and the actors carry traffic (the first progress report), and <see cref="Finish"/> waits for the end.
/// </summary>
public sealed class BackgroundRun : IDisposable
{
    private readonly ManualResetEventSlim _running = new();
    private readonly Task<RunResult> _task;

    private sealed class FirstReport(ManualResetEventSlim running) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => running.Set();
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "netsim-bridge-tests", Guid.NewGuid().ToString("N"));

    public BackgroundRun(string scenarioText)
    {
        Directory.CreateDirectory(Folder);
        var file = Path.Combine(Folder, "bridge.conf");
        File.WriteAllText(file, scenarioText);
        var loaded = ScenarioLoader.Load(file);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        _task = Task.Run(() => ScenarioRunner.Run(loaded.Scenario!, new RunOptions(Folder, new FirstReport(_running))));
    }

    public void WaitUntilRunning()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90); // generous: CI may run other test assemblies alongside
        while (!_running.Wait(100))
        {
            if (_task.IsCompleted) { _ = _task.Result; Assert.Fail("the run ended before it started"); }
            Assert.True(DateTime.UtcNow < deadline, "the run did not start within 90 s");
        }
    }

    public RunResult Finish()
    {
        Assert.True(_task.Wait(TimeSpan.FromSeconds(60)), "the run did not end within 60 s");
        return _task.Result;
    }

    public void Dispose()
    {
        // A run still going when its test failed must end here, so its own clean-up removes what it made.
        try { _task.Wait(TimeSpan.FromSeconds(120)); } catch (AggregateException) { }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
