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
        AssertStepError("tcp { from = h1, to = \"10.0.0.2\"" + (keys.Length > 0 ? ", " + keys : "") + " }", key, message);
    }

    /// <summary>A script of one step (on line 6) is rejected with exactly one error, at <paramref name="key"/>.</summary>
    private static void AssertStepError(string action, string key, string message)
    {
        var path = LoaderTests.Write(Hosts + "script = [\n  { at = 1s, " + action + " }\n]\n");
        var e = Assert.Single(LoaderTests.Errors(path));
        Assert.Equal(key, e.Key);
        Assert.Equal(6, e.Line);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_tcp_echo_step_parses_host_and_port()
    {
        var path = LoaderTests.Write(Hosts + "script = [ { at = 2s, tcp-echo { host = h2, port = 7 } } ]\n");
        var result = ScenarioLoader.Load(path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new TcpEchoStep(TimeSpan.FromSeconds(2), "h2", 7), Assert.Single(result.Scenario!.Script));
    }

    [Theory]
    [InlineData("host = h9, port = 7", "script[0].tcp-echo.host", "h9")]
    [InlineData("host = h2, port = 70000", "script[0].tcp-echo.port", "70000")]
    [InlineData("host = h2", "script[0].tcp-echo.port", "")]
    [InlineData("host = h2, port = 7, name = x", "script[0].tcp-echo.name", "")]
    public void Tcp_echo_mistakes_name_the_line_and_key(string keys, string key, string message)
    {
        AssertStepError("tcp-echo { " + keys + " }", key, message);
    }

    [Fact]
    public void Two_tcp_echoes_on_one_host_and_port_are_an_error()
    {
        var path = LoaderTests.Write(Hosts + "script = [\n  { at = 1s, tcp-echo { host = h2, port = 7 } }\n  { at = 2s, tcp-echo { host = h2, port = 7 } }\n]\n");
        var e = Assert.Single(LoaderTests.Errors(path));
        Assert.Equal("script[1].tcp-echo.port", e.Key);
        Assert.Contains("already runs a tcp-echo on port 7", e.Message);
    }
}
