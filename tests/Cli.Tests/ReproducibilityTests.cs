using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>
/// A multi-host scenario with loss and jitter, run twice in one process and twice in separate processes, writes
/// byte-identical reports, counter files and captures; with another seed they differ.
/// </summary>
public class ReproducibilityTests
{
    /// <summary>Three hosts around a router, every link lossy and jittery, four flows crossing each other, four captures.</summary>
    internal static readonly string Mesh = File.ReadAllText(Cli.Sample("router-mesh"));

    public static TheoryData<string> Scenarios() => new() { "mesh", "lossy-link-udp" };

    private static string ScenarioFile(string name, TempFolder dir) =>
        name == "mesh" ? dir.Write("mesh.conf", Mesh) : Cli.Sample(name);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Same_seed_gives_identical_bytes_in_process_and_across_processes(string name)
    {
        using var dir = new TempFolder();
        var file = ScenarioFile(name, dir);
        var runs = new[] { "in-process-1", "in-process-2", "process-1", "process-2" };
        foreach (var run in runs)
        {
            var args = new[] { "run", file, "--out", dir[run] };
            var result = run.StartsWith("process", StringComparison.Ordinal) ? Cli.RunProcess(args) : Cli.Run(args);
            Assert.True(result.ExitCode == NetSimCommand.Ok, $"{run}: {result}");
        }

        var files = Files(dir[runs[0]]);
        Assert.Contains("report.json", files);
        Assert.Contains("counters.csv", files);
        Assert.Contains(files, f => f.EndsWith(".pcap", StringComparison.Ordinal));
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(files, Files(dir[run]));
            foreach (var f in files) SameBytes(Path.Combine(dir[runs[0]], f), Path.Combine(dir[run], f));
        }

        // The scenario really is lossy: identical output is not identical because nothing random happened.
        using var report = Cli.Report(dir[runs[0]]);
        Assert.Contains(report.RootElement.GetProperty("flows").EnumerateArray(), f => f.GetProperty("lost").GetInt64() > 0);
    }

    /// <summary>
    /// --partitions N splits the run over N partitions (threads, each its own virtual-time actor system, meeting at every
    /// time window): report.json, counters.csv, the time series and the captures are the bytes of the run in one.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Two_and_three_partitions_give_the_bytes_of_one(string name)
    {
        using var dir = new TempFolder();
        var file = ScenarioFile(name, dir);
        foreach (var n in new[] { 1, 2, 3 })
        {
            var result = Cli.Run("run", file, "--out", dir[$"p{n}"], "--partitions", $"{n}");
            Assert.True(result.ExitCode == NetSimCommand.Ok, $"{n} partitions: {result}");
        }
        var results = Files(dir["p1"]).Where(f => f is "report.json" or "counters.csv" or "timeseries.csv" or "rtt.csv" || f.EndsWith(".pcap", StringComparison.Ordinal)).ToList();
        Assert.Contains("timeseries.csv", results);
        Assert.Contains(results, f => f.EndsWith(".pcap", StringComparison.Ordinal));
        foreach (var n in new[] { 2, 3 })
            foreach (var f in results) SameBytes(Path.Combine(dir["p1"], f), Path.Combine(dir[$"p{n}"], f));
    }

    [Fact]
    public void A_node_the_run_does_not_have_is_bad_input_naming_its_line()
    {
        using var dir = new TempFolder();
        var text = Mesh.Replace("h2 {\n", "h2 {\n    node = 4\n");
        var file = dir.Write("mesh.conf", text);
        var line = text[..text.IndexOf("node = 4", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        var result = Cli.Run("run", file, "--out", dir["out"], "--partitions", "3");
        Assert.Equal(NetSimCommand.BadInput, result.ExitCode);
        Assert.Contains($"mesh.conf:{line}: hosts.h2.node: node 4, but the run has 3 nodes", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Another_seed_gives_other_results(string name)
    {
        using var dir = new TempFolder();
        var file = ScenarioFile(name, dir);
        var a = Cli.Run("run", file, "--out", dir["a"]);
        Assert.True(a.ExitCode == NetSimCommand.Ok, a.ToString());
        var b = Cli.Run("run", file, "--out", dir["b"], "--seed", "424242");
        Assert.True(b.ExitCode is NetSimCommand.Ok or NetSimCommand.ExpectationFailed, b.ToString());

        using (var report = Cli.Report(dir["b"]))
            Assert.Equal(424242, report.RootElement.GetProperty("seed").GetInt64());
        // Not only the seed field: the counters (which do not name the seed), the rest of the report and the captures differ.
        Assert.NotEqual(File.ReadAllText(dir["a/counters.csv"]), File.ReadAllText(dir["b/counters.csv"]));
        Assert.NotEqual(WithoutSeed(dir["a/report.json"]), WithoutSeed(dir["b/report.json"]));
        var pcaps = Files(dir["a"]).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(pcaps);
        Assert.All(pcaps, p => Assert.NotEqual(File.ReadAllBytes(Path.Combine(dir["a"], p)), File.ReadAllBytes(Path.Combine(dir["b"], p))));
    }

    internal static List<string> Files(string folder) =>
        Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    private static string WithoutSeed(string reportPath) =>
        string.Join('\n', File.ReadAllLines(reportPath).Where(l => !l.TrimStart().StartsWith("\"seed\":", StringComparison.Ordinal)));

    internal static void SameBytes(string expected, string actual)
    {
        var a = File.ReadAllBytes(expected);
        var b = File.ReadAllBytes(actual);
        if (a.AsSpan().SequenceEqual(b)) return;
        var at = 0;
        while (at < a.Length && at < b.Length && a[at] == b[at]) at++;
        Assert.Fail($"{actual} differs from {expected}: {b.Length} vs {a.Length} bytes, first difference at byte {at}");
    }
}
