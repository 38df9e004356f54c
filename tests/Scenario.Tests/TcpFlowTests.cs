using System.Net;
using NetSim.Scenario;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>The <c>tcp { ... }</c> step: parsed into the model with its defaults, and its mistakes reported with line and key.</summary>
public class TcpFlowTests
{
    private const string Hosts = """
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/30"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/30"] } } }
        }

        """;

    [Fact]
    public void A_tcp_step_parses_sizes_defaults_and_tcp_metrics()
    {
        var path = LoaderTests.Write(Hosts + """
            script = [
              { at = 1s, tcp { name = bulk, from = h1, to = "10.0.0.2", bytes = 10MB } }
              { at = 1s, tcp { from = h1, to = "10.0.0.2", port = 5002, duration = 5s, cc = newreno } }
              { at = 9s, expect { flow = bulk, at-least { goodput = 9Mbit/s, bytes = 64KiB }, at-most { srtt = 50ms, retransmitted = 3 } } }
            ]
            """);
        var result = ScenarioLoader.Load(path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var steps = result.Scenario!.Script;
        var bulk = Assert.IsType<TcpStep>(steps[0]);
        Assert.Equal(new TcpStep(TimeSpan.FromSeconds(1), "bulk", "h1", IPAddress.Parse("10.0.0.2"), 5001, 10_000_000, null, "cubic"), bulk);
        var second = Assert.IsType<TcpStep>(steps[1]);
        Assert.Equal("tcp-2", second.Name);
        Assert.Equal(TimeSpan.FromSeconds(5), second.Duration);
        Assert.Equal("newreno", second.CongestionControl);
        var expect = Assert.IsType<ExpectStep>(steps[2]);
        Assert.Contains(new ExpectCondition("goodput", Comparison.AtLeast, 9e6), expect.Conditions);
        Assert.Contains(new ExpectCondition("bytes", Comparison.AtLeast, 65536), expect.Conditions);
        Assert.Contains(new ExpectCondition("srtt", Comparison.AtMost, 50), expect.Conditions);
    }

    [Theory]
    [InlineData("bytes = 1MB, duration = 5s", "script[0].tcp.duration", "either bytes or duration")]
    [InlineData("bytes = 10 parsecs", "script[0].tcp.bytes", "is not a size")]
    [InlineData("bytes = 1MB, cc = cubik", "script[0].tcp.cc", "did you mean 'cubic'")]
    [InlineData("", "script[0].tcp", "needs bytes")]
    public void Tcp_step_mistakes_name_the_line_and_key(string keys, string key, string message)
    {
        var path = LoaderTests.Write(Hosts + "script = [\n  { at = 1s, tcp { from = h1, to = \"10.0.0.2\"" + (keys.Length > 0 ? ", " + keys : "") + " } }\n]\n");
        var e = Assert.Single(LoaderTests.Errors(path));
        Assert.Equal(key, e.Key);
        Assert.Equal(6, e.Line);
        Assert.Contains(message, e.Message);
    }
}
