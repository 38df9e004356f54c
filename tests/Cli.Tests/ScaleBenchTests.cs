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

    /// <summary>The model built through the library API is the scenario its file loads as: one description, two forms.</summary>
    [Theory]
    [InlineData("star", 5)]
    [InlineData("chain", 6)]
    [InlineData("star-of-stars", 1_030)] // two stars: the second holds 6 leaves
    public void The_built_scenario_is_what_its_file_loads_as(string topology, int n)
    {
        var scenario = ScaleScenario.Create(topology, n);
        var loaded = ScenarioLoader.LoadFromText(scenario.ToHocon(), $"{topology}.conf", maxFileBytes: ScenarioLimits.MaxFileBytesCeiling);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors.Take(3)));
        var built = scenario.ToScenario();
        Assert.Equal(scenario.Hosts, built.Hosts.Length);
        Assert.Equal(Describe(loaded.Scenario!), Describe(built));
    }

    [Fact]
    public void Star_of_stars_routes_every_leaf_to_the_core_over_its_hub()
    {
        var scenario = ScaleScenario.Create("star-of-stars", 1_030).ToScenario();
        Assert.Equal(["core", "s0", "s1"], scenario.Hosts.Where(h => h.Name[0] != 'l').Select(h => h.Name));
        var core = scenario.Hosts[0];
        Assert.Equal(["10.0.0.0/20", "10.0.16.0/20"], core.Routes.Select(r => r.To.ToString()));
        Assert.Equal(1 + 6, scenario.Hosts.Single(h => h.Name == "s1").Nics.Length);
        var last = scenario.Script.OfType<PingStep>().Single(p => p.From == "l1029");
        Assert.Equal("10.128.0.5", last.To.ToString()); // s1's uplink, core end
        Assert.Equal(TimeSpan.FromSeconds(1) + TimeSpan.FromMicroseconds(5 * (long)scenario.Script.OfType<PingStep>().First().Interval.TotalMicroseconds / 1024), last.At);
        Assert.Equal(TimeSpan.Zero, scenario.Report.Interval);
    }

    [Fact]
    public void A_star_of_stars_run_delivers_every_ping_over_both_hops()
    {
        var scenario = ScaleScenario.Create("star-of-stars", 4);
        var run = Assert.Single(ScaleRun.Run(scenario, runs: 1));
        Assert.Equal(scenario.Flows * (long)scenario.Count, run.PingsSent);
        Assert.Equal(run.PingsSent, run.PingsAnswered);
        Assert.Equal(scenario.ExpectedFrames, run.Frames);
    }

    [Fact]
    public void Star_of_stars_has_no_ns3_peer()
    {
        Assert.Throws<InvalidOperationException>(() => ScaleScenario.Create("star-of-stars", 10).Ns3Arguments());
        Assert.Throws<ArgumentException>(() => ScaleScenario.Create("ring", 10));
    }

    /// <summary>Every field of what a scale scenario uses, as text (the model's arrays compare by reference).</summary>
    private static string Describe(NetSim.Scenario.Scenario s) => string.Join("\n",
        new[] { $"{s.Seed} {s.Duration} {s.TimeMode} {s.Report} {s.Switches.Length} {s.Capture.Length} {s.Bridges.Length}" }
            .Concat(s.Hosts.Select(h => $"{h.Name} {h.Forwarding} " +
                string.Join(" ", h.Nics.Select(n => $"[{n.Name} {n.Kind} {string.Join(",", n.Addresses)} {n.Mtu} {n.Mac} {n.QueueLength}]")) + " " +
                string.Join(" ", h.Routes.Select(r => $"({r.To} {r.Via} {r.Device} {r.Metric})"))))
            .Concat(s.Links.Select(l => l.ToString()))
            .Concat(s.Script.Select(p => p.ToString())));
}
