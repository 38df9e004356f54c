using NetSim.Protocol.Wire;
using RouterDemo;
using Xunit;

namespace NetSim.Actors.Tests.StackTests;

/// <summary>docs/router-example.md: its code is RouterExample.cs verbatim, it compiles, and it does what it says.</summary>
public sealed class RouterExampleTests
{
    [Fact]
    public async Task The_router_example_answers_forwards_and_routes_the_reply_back()
    {
        var (routerReply, forwarded, replyFromB) = await RouterExample.RunAsync();

        var r = Ipv4Header.Parse(routerReply);
        Assert.True(r.IsChecksumValid);
        Assert.Equal(Ipv4Address.Parse("10.0.2.1"), r.Source);   // answered from the address that was pinged
        Assert.Equal(Ipv4Address.Parse("10.0.1.2"), r.Destination);
        Assert.Equal(IcmpV4Type.EchoReply, routerReply[20]);
        Assert.Equal("ping"u8.ToArray(), routerReply[^4..]);

        var f = Ipv4Header.Parse(forwarded);
        Assert.True(f.IsChecksumValid);
        Assert.Equal(63, f.Ttl);                           // one router hop
        Assert.Equal(Ipv4Address.Parse("10.0.2.2"), f.Destination);
        Assert.Equal(IcmpV4Type.EchoRequest, forwarded[20]);

        var b = Ipv4Header.Parse(replyFromB);
        Assert.True(b.IsChecksumValid);
        Assert.Equal(63, b.Ttl);
        Assert.Equal(Ipv4Address.Parse("10.0.2.2"), b.Source);
        Assert.Equal(IcmpV4Type.EchoReply, replyFromB[20]);
    }

    [Fact]
    public void The_document_shows_exactly_the_tested_code()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no NetSim.sln above the test binaries");
        var code = File.ReadAllText(Path.Combine(root, "tests/Actors.Tests/Stack/RouterExample.cs")).ReplaceLineEndings("\n").Trim();
        var doc = File.ReadAllText(Path.Combine(root, "docs/router-example.md")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + code + "\n```", doc);
    }
}
