using NetSim.Scenario.Reports;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>
/// The conservation law on every sample and on overload scenarios: for every wire, the sending NIC's TX packets =
/// offered = delivered + sum(dropped) + in flight, and the receiving NIC's RX packets + RX errors + RX dropped =
/// delivered. A switch port is two wires (NIC to switch, switch to NIC); the switch's side of each has no NIC.
/// </summary>
public class ConservationTests
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples");
    private static readonly string Overload = Path.Combine(AppContext.BaseDirectory, "Scenarios", "overload");

    public static TheoryData<string> SampleFiles() => Files(Samples);
    public static TheoryData<string> OverloadFiles() => Files(Overload);

    /// <summary>
    /// The scenarios of a folder that run in virtual time, where the law is exact. A sample with a bridge to a kernel
    /// device runs in real time, needs root and makes a network namespace: tests/Bridge.Tests runs those.
    /// </summary>
    private static TheoryData<string> Files(string dir)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(dir, "*.conf").Order(StringComparer.Ordinal))
            if (ScenarioLoader.Load(f).Scenario is { Bridges.Length: 0, TimeMode: NetSim.Actors.Time.TimeMode.Virtual })
                data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void The_law_is_checked_on_every_virtual_time_sample()
    {
        var all = Directory.GetFiles(Samples, "*.conf").Select(Path.GetFileName).ToList();
        Assert.True(all.Count >= 6, string.Join(", ", all));
        Assert.Equal(all.Count - 1, ((IEnumerable<object[]>)SampleFiles()).Count()); // all but kernel-bridge.conf
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_sample_conserves_frames(string file) => AssertConserved(Run(Path.Combine(Samples, file)));

    [Theory]
    [MemberData(nameof(OverloadFiles))]
    public void Every_overload_scenario_conserves_frames(string file) => AssertConserved(Run(Path.Combine(Overload, file)));

    [Fact]
    public void The_800x_flood_drops_at_the_link_queue_and_ends_with_frames_on_the_wire()
    {
        var r = Run(Path.Combine(Overload, "udp-flood-800x.conf"));
        var d = Direction(r, "l1", "h1.eth0");
        Assert.Equal(100_000, d.Offered);
        Assert.True(d.Dropped["queue-full"] > 99_000, $"queue-full {d.Dropped["queue-full"]}");
        Assert.InRange(d.InFlight, 1, 201); // the queue (200) and the frame being serialised
        Assert.Equal(d.Delivered, Flow(r, "flood").Received);
    }

    [Fact]
    public void Loss_on_a_tap_ping_flood_is_counted_per_direction()
    {
        var r = Run(Path.Combine(Overload, "ping-flood-lossy-tap.conf"));
        var there = Direction(r, "l1", "h1.eth0");
        var back = Direction(r, "l1", "h2.eth0");
        Assert.True(there.Dropped.GetValueOrDefault("loss") > 0 && back.Dropped.GetValueOrDefault("loss") > 0);
        Assert.True(there.Dropped.GetValueOrDefault("queue-full") > 0);
    }

    [Fact]
    public void Frames_for_a_nic_that_went_are_counted_as_nic_gone_or_file_closed()
    {
        var r = Run(Path.Combine(Overload, "devices-closed-mid-flood.conf"));
        var toH2 = Direction(r, "l1", "h1.eth0");
        var gone = toH2.Dropped.GetValueOrDefault("nic-gone") + toH2.Dropped.GetValueOrDefault("file-closed");
        Assert.True(gone > 0, string.Join(", ", toH2.Dropped));
        var toH4 = r.Switches!.Single().Wires.Single(w => w.To == "h4.eth0");
        Assert.True(toH4.Dropped.GetValueOrDefault("nic-gone") + toH4.Dropped.GetValueOrDefault("file-closed") > 0, string.Join(", ", toH4.Dropped));
    }

    [Fact]
    public void Link_changes_mid_flood_show_as_their_drop_reasons()
    {
        var r = Run(Path.Combine(Overload, "link-changes-mid-flood.conf"));
        var d = Direction(r, "l1", "h1.eth0");
        foreach (var reason in new[] { "queue-full", "loss", "down" }) Assert.True(d.Dropped.GetValueOrDefault(reason) > 0, $"{reason}: {string.Join(", ", d.Dropped)}");
        var big = Direction(r, "l2", "h1.eth1");
        Assert.Equal(100, big.Dropped.GetValueOrDefault("too-big"));
        Assert.Equal(0, big.Delivered);
    }

    [Fact]
    public void Losses_from_nics_that_go_are_reproducible_byte_for_byte()
    {
        var path = Path.Combine(Overload, "devices-closed-mid-flood.conf");
        Assert.Equal(NetSim.Scenario.Output.ReportWriter.ToJson(Run(path)), NetSim.Scenario.Output.ReportWriter.ToJson(Run(path)));
    }

    internal static RunReport Run(string path)
    {
        var loaded = ScenarioLoader.Load(path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return ScenarioRunner.Run(loaded.Scenario!, new RunOptions(null)).Report;
    }

    private static WireReport Direction(RunReport r, string link, string from) =>
        r.Links!.Single(l => l.Name == link).Wires.Single(w => w.From == from);

    private static FlowReport Flow(RunReport r, string name) => r.Flows.Single(f => f.Name == name);

    /// <summary>Checks the law on every wire of the report; a NIC end is "host.nic", a switch end its name.</summary>
    internal static void AssertConserved(RunReport r)
    {
        var nics = r.Nics.ToDictionary(n => $"{n.Host}.{n.Nic}");
        var wires = (r.Links ?? []).Concat(r.Switches ?? []).SelectMany(o => o.Wires.Select(w => (o.Name, Wire: w))).ToList();
        Assert.Equal(r.Links?.Count * 2 ?? 0, (r.Links ?? []).Sum(l => l.Wires.Count));
        foreach (var (owner, w) in wires)
        {
            var what = $"{owner}: {w.From} -> {w.To}";
            Assert.True(w.Offered == w.Delivered + w.Dropped.Values.Sum() + w.InFlight,
                $"{what}: offered {w.Offered} != delivered {w.Delivered} + dropped {w.Dropped.Values.Sum()} + in flight {w.InFlight}");
            if (nics.TryGetValue(w.From, out var sender))
                Assert.True(sender.TxPackets == w.Offered, $"{what}: {w.From} tx_packets {sender.TxPackets} != offered {w.Offered}");
            if (nics.TryGetValue(w.To, out var receiver))
                Assert.True(receiver.RxPackets + receiver.RxErrors + receiver.RxDropped == w.Delivered,
                    $"{what}: {w.To} rx {receiver.RxPackets} + errors {receiver.RxErrors} + dropped {receiver.RxDropped} != delivered {w.Delivered}");
        }
        // Every NIC on a wire is accounted for at both ends of it.
        foreach (var (owner, w) in wires)
            Assert.True(nics.ContainsKey(w.From) || nics.ContainsKey(w.To), $"{owner}: neither {w.From} nor {w.To} is in the report");
    }
}
