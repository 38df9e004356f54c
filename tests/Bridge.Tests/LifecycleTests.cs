using System.Diagnostics;
using System.Runtime.InteropServices;
using NetSim.Bridge.Kernel;
using NetSim.Cli;
using Xunit;
using static NetSim.Bridge.Tests.KernelNet;

namespace NetSim.Bridge.Tests;

/// <summary>
/// Nothing a run made is left behind: after a normal end, a failed set-up, Ctrl-C (SIGINT), SIGTERM and even
/// SIGKILL (the namespace's janitor). And bad input is one clear line with exit 2, leaving the machine as it was.
/// </summary>
public sealed partial class LifecycleTests
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int SIGINT = 2, SIGTERM = 15;

    private static (int Code, string Output, string Error) Netsim(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = NetSimCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string WriteScenario(string folder, string text)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "bridge.conf");
        File.WriteAllText(file, text);
        return file;
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static string TempFolder() => Path.Combine(Path.GetTempPath(), "netsim-bridge-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Starts <c>dotnet netsim.dll run FILE</c> as a child process (optionally under a wrapper such as capsh).</summary>
    private static Process StartNetsim(string file, string folder, params string[] wrapper)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "netsim.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var command = new List<string>(wrapper) { dotnet, dll, "run", file, "--out", folder };
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds, polling: the run is another process.</summary>
    private static void WaitFor(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    [SkippableTheory]
    [InlineData(SIGINT)]
    [InlineData(SIGTERM)]
    public void A_signal_during_the_run_removes_the_namespace_and_the_device(int signal)
    {
        Require();
        string ns = Unique("nsbt-"), dev = Unique("nsb"), folder = TempFolder();
        try
        {
            using var p = StartNetsim(WriteScenario(folder, Scenarios.Router(ns, dev, "60s")), folder);
            var stderr = p.StandardError.ReadToEndAsync();
            WaitFor(() => BridgeUp(ns, dev), "the bridge to come up");
            Assert.Equal(0, Kill(p.Id, signal));
            Assert.True(p.WaitForExit(30_000), "netsim did not stop on the signal");
            Assert.NotEqual(0, p.ExitCode);
            AssertGone(ns, dev);
            Assert.DoesNotContain("   at ", stderr.Result); // no stack trace
        }
        finally
        {
            DeleteNetns(ns);
            DeleteFolder(folder);
        }
    }

    [SkippableFact]
    public void SIGKILL_leaves_nothing_behind_either_the_janitor_deletes_the_namespace()
    {
        Require();
        string ns = Unique("nsbt-"), dev = Unique("nsb"), folder = TempFolder();
        try
        {
            using var p = StartNetsim(WriteScenario(folder, Scenarios.Router(ns, dev, "60s")), folder);
            WaitFor(() => BridgeUp(ns, dev), "the bridge to come up");
            p.Kill(); // SIGKILL: no handler runs; the kernel closes the device, the janitor sees its pipe close
            Assert.True(p.WaitForExit(30_000));
            WaitFor(() => !NetnsExists(ns), "the janitor to delete the namespace", seconds: 10);
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
            DeleteFolder(folder);
        }
    }

    [SkippableFact]
    public void A_set_up_that_fails_half_way_is_exit_2_and_removes_what_it_made()
    {
        Require();
        string ns = Unique("nsbt-"), dev = Unique("nsb"), folder = TempFolder();
        try
        {
            // The namespace and the device get made, then the route's gateway is not on any link: ip refuses it.
            var text = Scenarios.Router(ns, dev, "5s").Replace("via = \"10.9.0.2\"", "via = \"10.77.0.1\"");
            var (code, _, error) = Netsim("run", WriteScenario(folder, text), "--out", folder);
            Assert.Equal(2, code);
            Assert.Contains("bridge k:", error);
            Assert.Contains("10.77.0.1", error);
            Assert.Single(error.Trim().Split('\n'));
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
            DeleteFolder(folder);
        }
    }

    [SkippableFact]
    public void A_device_name_that_already_exists_is_exit_2_and_the_existing_device_is_untouched()
    {
        Require();
        string ns = Unique("nsbt-"), dev = Unique("nsb"), folder = TempFolder();
        try
        {
            Assert.Equal(0, Run("ip", "netns", "add", ns).Code);
            Assert.Equal(0, Run("ip", "-n", ns, "tuntap", "add", "dev", dev, "mode", "tun").Code); // a persistent tun device NetSim did not make
            var text = Scenarios.Router(ns, dev, "5s").Replace("create-netns = yes", "create-netns = no");
            var (code, _, error) = Netsim("run", WriteScenario(folder, text), "--out", folder);
            Assert.Equal(2, code);
            Assert.Contains($"device '{dev}' already exists in network namespace '{ns}'", error);
            Assert.True(LinkExists(dev, ns), "the existing device must survive");
            Assert.True(NetnsExists(ns), "a namespace NetSim did not make is never deleted");
        }
        finally
        {
            DeleteNetns(ns);
            DeleteFolder(folder);
        }
    }

    [SkippableFact]
    public void A_namespace_that_cannot_be_made_is_exit_2()
    {
        Require();
        string ns = Unique("nsbt-"), dev = Unique("nsb"), folder = TempFolder();
        try
        {
            // create-netns = yes makes only a new namespace: one that exists is refused (and not deleted afterwards).
            Assert.Equal(0, Run("ip", "netns", "add", ns).Code);
            var (code, _, error) = Netsim("run", WriteScenario(folder, Scenarios.Router(ns, dev, "5s")), "--out", folder);
            Assert.Equal(2, code);
            Assert.Contains($"network namespace '{ns}' already exists", error);
            Assert.True(NetnsExists(ns));
            Assert.False(LinkExists(dev, ns));
            DeleteNetns(ns);

            // Without create-netns a missing namespace is an error too.
            var text = Scenarios.Router(ns, dev, "5s").Replace("create-netns = yes", "create-netns = no");
            (code, _, error) = Netsim("run", WriteScenario(folder, text), "--out", folder);
            Assert.Equal(2, code);
            Assert.Contains($"network namespace '{ns}' does not exist", error);
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
            DeleteFolder(folder);
        }
    }

    [SkippableFact]
    public void Without_CAP_NET_ADMIN_a_bridge_scenario_is_exit_2_with_one_line()
    {
        Require("capsh");
        string ns = Unique("nsbt-"), dev = Unique("nsb"), folder = TempFolder();
        try
        {
            using var p = StartNetsim(WriteScenario(folder, Scenarios.Router(ns, dev, "5s")), folder, "capsh", "--drop=cap_net_admin", "--", "-c", "exec \"$0\" \"$@\"");
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(60_000));
            Assert.True(p.ExitCode == 2, stdout.Result + stderr.Result);
            var line = Assert.Single(stderr.Result.Trim().Split('\n'));
            Assert.Contains("bridges need root (the CAP_NET_ADMIN capability)", line);
            AssertGone(ns, dev);
        }
        finally
        {
            DeleteNetns(ns);
            DeleteFolder(folder);
        }
    }

    [Fact]
    public void Without_dev_net_tun_the_missing_thing_is_named()
    {
        Assert.Equal("bridges need /nonexistent/tun, which this machine does not have (load the module: modprobe tun)",
            KernelBridgeSupport.Missing("/nonexistent/tun"));
    }
}
