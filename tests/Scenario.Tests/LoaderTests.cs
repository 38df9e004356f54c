using System.Net;
using NetSim.Scenario;
using Xunit;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Tests;

public class LoaderTests
{
    private static string FullPath => Path.Combine(AppContext.BaseDirectory, "Scenarios", "full.conf");

    private static Scenario LoadOk(string path, IEnumerable<string>? set = null, long? seed = null)
    {
        var result = ScenarioLoader.Load(path, set, seed);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    [Fact]
    public void Full_example_parses_into_the_model()
    {
        var s = LoadOk(FullPath);
        Assert.Equal(42, s.Seed);
        Assert.Equal(TimeSpan.FromSeconds(20), s.Duration);
        Assert.Equal(TimeMode.Virtual, s.TimeMode);
        Assert.Equal(["h1", "r1", "h2", "h3"], s.Hosts.Select(h => h.Name));

        var h1 = s.Hosts[0];
        Assert.False(h1.Forwarding);
        var eth0 = Assert.Single(h1.Nics);
        Assert.Equal(NicKind.Tap, eth0.Kind);
        Assert.Equal(1500, eth0.Mtu);
        Assert.Equal(1024, eth0.QueueLength);
        Assert.Equal("02:00:00:00:01:01", eth0.Mac!.ToString());
        Assert.Equal(["10.0.1.1/24", "fd00:1::1/64"], eth0.Addresses.Select(a => a.ToString()));
        var route = Assert.Single(h1.Routes);
        Assert.Equal("0.0.0.0/0", route.To.ToString());
        Assert.Equal(IPAddress.Parse("10.0.1.254"), route.Via);
        Assert.Equal("eth0", route.Device);

        var r1 = s.Hosts[1];
        Assert.True(r1.Forwarding);
        Assert.Equal(1400, r1.Nics[1].Mtu);
        Assert.Equal(256, r1.Nics[1].QueueLength);

        var link = Assert.Single(s.Links);
        Assert.Equal(new NicRef("r1", "eth1"), link.A);
        Assert.Equal(new NicRef("h2", "eth0"), link.B);
        Assert.Equal(new LinkProperties(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(1), 0.01, 100_000_000, 500), link.Properties);
        Assert.True(link.Up);

        var sw = Assert.Single(s.Switches);
        Assert.Equal(3, sw.Ports.Length);
        Assert.Equal(TimeSpan.FromSeconds(300), sw.MacAgeing);
        Assert.Equal(TimeSpan.Zero, sw.Delay);

        Assert.Equal(8, s.Script.Length);
        var ping = Assert.IsType<PingStep>(s.Script[0]);
        Assert.Equal(new PingStep(TimeSpan.FromSeconds(1), "p1", "h1", IPAddress.Parse("10.0.2.1"), 5, TimeSpan.FromMilliseconds(100), 56, 64), ping);
        var udp = Assert.IsType<UdpStep>(s.Script[1]);
        Assert.Equal("udp-1", udp.Name);
        Assert.Equal(100, udp.Count);
        Assert.Null(udp.Duration);
        Assert.Equal(1000, udp.PacketsPerSecond);
        Assert.IsType<LinkDownStep>(s.Script[2]);
        Assert.IsType<LinkUpStep>(s.Script[3]);
        var set = Assert.IsType<LinkSetStep>(s.Script[4]);
        Assert.Equal(0.1, set.Loss);
        Assert.Equal(TimeSpan.FromMilliseconds(5), set.Delay);
        Assert.Null(set.RateBitsPerSecond);
        Assert.Equal(new NicRef("h3", "eth0"), Assert.IsType<CloseDevicesStep>(s.Script[5]).Nic);
        var expectFlow = Assert.IsType<ExpectStep>(s.Script[6]);
        Assert.Equal("expect-1", expectFlow.Name);
        Assert.Equal(new FlowSubject("p1"), expectFlow.Subject);
        Assert.Contains(new ExpectCondition("delivery-ratio", Comparison.AtLeast, 0.99), expectFlow.Conditions);
        Assert.Contains(new ExpectCondition("rtt-max", Comparison.AtMost, 50), expectFlow.Conditions);
        var expectCounter = Assert.IsType<ExpectStep>(s.Script[7]);
        Assert.Equal(new CounterSubject("h1", "eth0", "tx_dropped"), expectCounter.Subject);
        Assert.Equal(new ExpectCondition("value", Comparison.EqualTo, 0), Assert.Single(expectCounter.Conditions));

        Assert.Equal(new[] { new NicRef("h1", "eth0"), new NicRef("h2", "eth0") }, s.Capture.ToArray());
    }

    [Fact]
    public void Defaults_fill_an_almost_empty_file()
    {
        var s = LoadOk(Write("hosts { a { nics { eth0 { type = tun } } } }\n"));
        Assert.Equal(1, s.Seed);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Duration);
        Assert.Equal(TimeMode.Virtual, s.TimeMode);
        Assert.Empty(s.Script);
    }

    [Fact]
    public void Set_overrides_replace_file_values()
    {
        var s = LoadOk(FullPath, ["links.l2.loss=0.25", "hosts.h1.nics.eth0.mtu = 9000", "time-mode=real"]);
        Assert.Equal(0.25, s.Links[0].Properties.Loss);
        Assert.Equal(9000, s.Hosts[0].Nics[0].Mtu);
        Assert.Equal(TimeMode.Real, s.TimeMode);
    }

    [Fact]
    public void Seed_override_replaces_the_file_seed()
    {
        Assert.Equal(7, LoadOk(FullPath, seed: 7).Seed);
        Assert.Equal(42, LoadOk(FullPath).Seed);
    }

    [Fact]
    public void Bad_set_override_is_reported_against_set()
    {
        var e = Assert.Single(Errors(FullPath, set: ["links.l2.loss=0.25", "links.l2.loss=2"]));
        Assert.Equal("--set", e.File);
        Assert.Equal(2, e.Line);
        Assert.Equal("links.l2.loss", e.Key);
        Assert.Equal("--set:2: links.l2.loss: 2 is not a probability (0..1)", e.ToString());
    }

    internal static string Write(string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "netsim-scenario-tests");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    internal static IReadOnlyList<ScenarioError> Errors(string path, IEnumerable<string>? set = null)
    {
        var result = ScenarioLoader.Load(path, set);
        Assert.False(result.Succeeded);
        Assert.Null(result.Scenario);
        return result.Errors;
    }
}
