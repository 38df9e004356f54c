using NetSim.Benchmarks.Scale;
using NetSim.Scenario;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>The scenarios of `netsim bench --scale` load, run, and deliver the frames the ns-3 side is checked against.</summary>
public class ScaleBenchTests
{
    /// <summary>2,000 hosts: the largest that stays under the 1 MiB scenario-file limit (ScenarioLimits.MaxFileBytes).</summary>
    [Theory]
    [InlineData("star", 2_000)]
    [InlineData("chain", 2_000)]
    public void Generated_scenarios_of_thousands_of_hosts_validate(string topology, int n)
    {
        var scenario = ScaleScenario.Create(topology, n);
        var loaded = ScenarioLoader.LoadFromText(scenario.ToHocon(), $"{topology}.conf");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors.Take(3)));
        Assert.Equal(topology == "star" ? n + 1 : n, loaded.Scenario!.Hosts.Length);
        Assert.Equal(scenario.Flows, loaded.Scenario.Script.Length);
        Assert.Contains($"--count={scenario.Count}", scenario.Ns3Arguments());
    }

    [Theory]
    [InlineData("star", 3)]
    [InlineData("chain", 4)]
    public void A_run_delivers_every_ping_over_every_link(string topology, int n)
    {
        var scenario = ScaleScenario.Create(topology, n);
        var run = Assert.Single(ScaleRun.Run(scenario, runs: 1));
        Assert.Equal(scenario.Flows * (long)scenario.Count, run.PingsSent);
        Assert.Equal(run.PingsSent, run.PingsAnswered);
        Assert.Equal(scenario.ExpectedFrames, run.Frames);
        Assert.True(run.RunTurns > run.Frames, $"{run.RunTurns} scheduler turns for {run.Frames} frames");
    }
}
