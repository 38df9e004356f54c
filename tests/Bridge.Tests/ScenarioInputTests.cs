using NetSim.Actors.Time;
using NetSim.Scenario;
using Xunit;

namespace NetSim.Bridge.Tests;

/// <summary>The bridges section of a scenario file: what it accepts and the file:line: key: errors (no root needed).</summary>
public sealed class ScenarioInputTests
{
    private static ScenarioLoadResult Load(string text) => ScenarioLoader.LoadFromText(text, "b.conf");

    private static string Error(string text)
    {
        var r = Load(text);
        Assert.False(r.Succeeded);
        return string.Join("\n", r.Errors);
    }

    [Fact]
    public void A_bridge_is_read_with_its_defaults_and_makes_the_run_real_time()
    {
        var r = Load(Scenarios.Router("simns", "nsim0", "5s"));
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        var s = r.Scenario!;
        Assert.Equal(TimeMode.Real, s.TimeMode);
        var b = Assert.Single(s.Bridges);
        Assert.Equal(("k", "nsim0", NicKind.Tun, "simns", true, 1500), (b.Name, b.KernelDevice, b.Kind, b.Netns, b.CreateNetns, b.Mtu));
        Assert.Equal(new BridgeToNic(new NicRef("r1", "eth0")), b.Attach);
        Assert.Equal("10.9.0.1/24", Assert.Single(b.Addresses).ToString());
        var route = Assert.Single(b.Routes);
        Assert.Equal(("10.0.0.0/16", "10.9.0.2"), (route.To.ToString(), route.Via!.ToString()));
        Assert.True(b.Capture);
    }

    [Fact]
    public void A_tap_bridge_can_attach_to_a_switch()
    {
        var r = Load(Scenarios.Lan("simns", "nsim0", "5s"));
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        Assert.Equal(new BridgeToSwitch("sw"), Assert.Single(r.Scenario!.Bridges).Attach);
    }

    [Fact]
    public void Asking_for_virtual_time_with_a_bridge_is_an_error_at_the_time_mode_line()
    {
        var text = "time-mode = virtual\n" + Scenarios.Router("simns", "nsim0", "5s");
        Assert.Equal("b.conf:1: time-mode: a scenario with bridges runs in real time (real programs do not wait for simulated time); remove time-mode or set it to real", Error(text));
    }

    [Fact]
    public void A_device_name_longer_than_15_characters_is_refused_with_its_line()
    {
        var error = Error(Scenarios.Router("simns", "abcdefghijklmnop", "5s"));
        Assert.Matches(@"^b\.conf:\d+: bridges\.k\.kernel-device: 'abcdefghijklmnop' is 16 characters; Linux interface names have at most 15$", error);
    }

    [Theory]
    [InlineData("attach = \"r1.eth0\"", "attach = \"r9.eth0\"", "bridges.k.attach: no host named 'r9'")]
    [InlineData("attach = \"r1.eth0\"", "attach = \"nowhere\"", "bridges.k.attach: 'nowhere' is neither a NIC (host.nic) nor a switch")]
    [InlineData("type = tun\n    attach", "type = tap\n    attach", "bridges.k.type: r1.eth0 is a tun NIC; the kernel device must be of the same type")]
    [InlineData("attach = \"r1.eth0\"", "attach = \"r1.eth1\"", "bridges.k.attach: r1.eth1 is already connected to link wan")]
    [InlineData("kernel-device = \"nsim0\"", "kernel-device = \"ns/0\"", "bridges.k.kernel-device: 'ns/0' is not an interface name")]
    [InlineData("netns = \"simns\"", "netns = \"a b\"", "bridges.k.netns: 'a b' is not a namespace name")]
    [InlineData("netns = \"simns\"", "", "bridges.k.create-netns: needs netns")]
    [InlineData("via = \"10.9.0.2\"", "via = \"fe80::1\"", "gateway fe80::1 is not of the same address family as 10.0.0.0/16")]
    [InlineData("capture = on", "captur = on", "bridges.k.captur: unknown key in bridges.k; did you mean 'capture'?")]
    public void Bad_bridge_keys_are_reported_with_file_line_and_key(string from, string to, string expected)
    {
        var text = Scenarios.Router("simns", "nsim0", "5s");
        Assert.Contains(from, text);
        Assert.Contains(expected, Error(text.Replace(from, to)));
    }

    [Fact]
    public void A_bridge_onto_a_switch_must_be_tap()
    {
        var text = Scenarios.Lan("simns", "nsim0", "5s").Replace("type = tap\n    attach = sw", "type = tun\n    attach = sw");
        Assert.Contains("bridges.lan.type: a bridge onto a switch carries Ethernet frames: type must be tap", Error(text));
    }
}
