using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>
/// `netsim bench --short` starts `netsim run` as processes of their own (process start to report written), with the
/// file's defaults and without plots, and prints the medians; a run that fails is an error, not a figure.
/// </summary>
public class ShortRunBenchTests
{
    [Fact]
    public void Short_runs_are_timed_as_whole_processes_with_and_without_plots()
    {
        var result = Cli.RunProcess("bench", "--short", "--runs", "1", "--file", Cli.Sample("two-hosts-tun"));
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
        Assert.Contains("netsim bench --short: ", result.Output);
        foreach (var variant in new[] { "defaults", "no plots" })
        {
            var row = Regex.Match(result.Output, $@"^\| {variant} \| (?<wall>[0-9.]+) \([0-9.]+-[0-9.]+\) \| (?<cpu>[0-9.]+) \([0-9.]+-[0-9.]+\) \|$", RegexOptions.Multiline);
            Assert.True(row.Success, result.ToString());
            // A real process ran: it took time and CPU (no figure is made up when a child fails).
            Assert.True(double.Parse(row.Groups["wall"].Value, CultureInfo.InvariantCulture) > 0, result.ToString());
            Assert.True(double.Parse(row.Groups["cpu"].Value, CultureInfo.InvariantCulture) > 0, result.ToString());
        }
    }

    [Fact]
    public void A_run_that_fails_stops_the_bench_with_its_error()
    {
        using var dir = new TempFolder();
        var bad = dir.Write("bad.conf", "duration = 1s\nhosts { h1 { nics { eth0 { type = tunn } } } }\n");
        var result = Cli.RunProcess("bench", "--short", "--runs", "1", "--file", bad);
        Assert.Equal(NetSimCommand.InternalError, result.ExitCode);
        Assert.Contains("exited 2", result.Error);
        Assert.DoesNotContain("| defaults |", result.Output);
    }

    [Fact]
    public void No_runs_is_bad_input()
    {
        var result = Cli.Run("bench", "--short", "--runs", "0");
        Assert.Equal(NetSimCommand.BadInput, result.ExitCode);
        Assert.Equal("netsim bench: --runs: 0 is not a number of runs (1 or more)", result.Error.Trim());
    }
}
