using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>
/// The netsim process leaves a virtual-time run's actors to its exit instead of stopping each one (RunOptions.EndsProcess,
/// set by Program.Main only), and warms Akka and the summary up on a second thread while it loads the file (RunWarmUp,
/// also Program.Main only). What it writes must not change: every file of a run, its stdout and its exit code are
/// those of the same run in this process, where nothing warms up and the actor system is stopped in order before the
/// report is written.
/// </summary>
public class ProcessExitTests
{
    public static TheoryData<string, bool, int> Runs() => new()
    {
        // Time series, plots, report.html and two captures; every expectation holds.
        { "two-hosts-tun", false, NetSimCommand.Ok },
        // An expectation that fails: exit 1, and the report still complete.
        { "switched-lan", true, NetSimCommand.ExpectationFailed },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_process_that_exits_without_stopping_its_actors_writes_what_an_orderly_stop_writes(string sample, bool failAnExpectation, int exitCode)
    {
        using var dir = new TempFolder();
        var text = File.ReadAllText(Cli.Sample(sample));
        if (failAnExpectation)
        {
            const string held = "arp-requests-sent\", equals { value = 1 }";
            Assert.Contains(held, text);
            text = text.Replace(held, "arp-requests-sent\", equals { value = 2 }");
        }
        var file = dir.Write(sample + ".conf", text);
        var inProcess = Cli.Run("run", file, "--out", dir["in-process"]);
        var process = Cli.RunProcess("run", file, "--out", dir["process"]);
        Assert.True(inProcess.ExitCode == exitCode, inProcess.ToString());
        Assert.True(process.ExitCode == exitCode, process.ToString());
        // netsim prints paths relative to the working directory (both runs share the test's): name either folder OUT.
        static string Named(string output, string folder) =>
            output.Replace(Path.GetRelativePath(Environment.CurrentDirectory, folder), "OUT").Replace(folder, "OUT");
        Assert.Equal(Named(inProcess.Output, dir["in-process"]), Named(process.Output, dir["process"]));
        Assert.Equal("", process.Error);

        var files = ReproducibilityTests.Files(dir["in-process"]);
        Assert.Contains("report.json", files);
        Assert.Contains("counters.csv", files);
        Assert.Contains(files, f => f.EndsWith(".pcap", StringComparison.Ordinal));
        Assert.Equal(files, ReproducibilityTests.Files(dir["process"]));
        foreach (var f in files) ReproducibilityTests.SameBytes(Path.Combine(dir["in-process"], f), Path.Combine(dir["process"], f));
    }
}
