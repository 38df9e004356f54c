using System.Text.RegularExpressions;
using NetSim.Actors.Stack;
using NetSim.Network;
using NetSim.Protocol.Counters;
using Xunit;

namespace NetSim.Actors.Tests.Core;

/// <summary>One catalogue of counter names: the host stack's snapshot and docs/counters.md hold exactly its names.</summary>
public sealed class CounterCatalogueTests
{
    [Fact]
    public void The_host_snapshot_has_exactly_the_catalogued_counters()
    {
        Assert.Equal(CounterCatalogue.HostCounters, new HostCounters().ToDictionary().Keys);
        Assert.Equal("icmpv4.in.echo-reply", HostCounterNames.IcmpV4.In.EchoReply);
        Assert.True(CounterCatalogue.IsHostCounter("stack.no-such-nic"));
        Assert.False(CounterCatalogue.IsHostCounter("ipv4.forwarded"));
        Assert.True(CounterCatalogue.IsNicCounter("drop.queue-full"));
        Assert.False(CounterCatalogue.IsNicCounter("rx_packet"));
    }

    [Fact]
    public void Docs_counters_md_lists_every_catalogued_counter_and_no_other()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no NetSim.sln above the test binaries");
        var doc = File.ReadAllText(Path.Combine(root, "docs/counters.md"));
        var rows = Regex.Matches(doc, @"^\| `([^`]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var expected = CounterCatalogue.NicCounters
            .Concat(CounterCatalogue.NicDropReasons.Select(r => NicCounterNames.DropPrefix + r))
            .Concat(CounterCatalogue.HostCounters);
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }
}
