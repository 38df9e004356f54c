using System.Text.RegularExpressions;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>Bad files and bad arguments exit with 2 and one clear message; a failed expectation exits with 1.</summary>
public class ErrorTests
{
    /// <summary>A good two-host scenario; each bad case changes one line of it (line numbers below are 1-based).</summary>
    private const string Good = """
        duration = 5s
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/30"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/30"] } } }
        }
        links {
          l1 { a = "h1.eth0", b = "h2.eth0", delay = 5ms }
        }
        script = [
          { at = 1s, ping { name = "p1", from = h1, to = "10.0.0.2", count = 3, interval = 100ms } }
          { at = 4s, expect { flow = p1, equals { received = 3 } } }
        ]
        """;

    public static TheoryData<string, string, string, string, string> BadFiles() => new()
    {
        // case, text to replace, replacement, expected "line: key" (or "line: HOCON syntax error"), part of the message
        // l1's '{' then closes at links' '}', so it is links' '{' (line 6) that is never closed.
        { "malformed-hocon", "delay = 5ms }", "delay = 5ms", "6: HOCON syntax error", "never closed" },
        { "unknown-key", "delay = 5ms", "delay = 5ms, lost = 0.1", "7: links.l1.lost", "did you mean 'loss'" },
        { "unknown-host", "b = \"h2.eth0\"", "b = \"h9.eth0\"", "7: links.l1.b", "no host named 'h9'" },
        { "duplicate-address", "10.0.0.2/30", "10.0.0.1/30", "4: hosts.h2.nics.eth0.addresses[0]", "duplicate address 10.0.0.1" },
        { "negative-delay", "delay = 5ms", "delay = -5ms", "7: links.l1.delay", "negative" },
        { "loss-above-one", "delay = 5ms", "delay = 5ms, loss = 1.5", "7: links.l1.loss", "not a probability" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_file_exits_2_with_one_message_naming_file_line_and_key(string name, string find, string replace, string where, string message)
    {
        Assert.Contains(find, Good);
        using var dir = new TempFolder();
        var file = dir.Write(name + ".conf", Good.Replace(find, replace));
        foreach (var args in new[] { new[] { "run", file, "--out", dir["out"] }, ["validate", file] })
        {
            var result = Cli.Run(args);
            Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Matches($"^(.*/)?{Regex.Escape(name)}\\.conf:{Regex.Escape(where)}: .*{Regex.Escape(message)}", line);
            NoStackTrace(result);
            Assert.False(File.Exists(dir["out/report.json"]), "a bad file must not be run");
        }
    }

    [Fact]
    public void Missing_file_exits_2_naming_it()
    {
        using var dir = new TempFolder();
        var result = Cli.Run("run", dir["nothere.conf"], "--out", dir["out"]);
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.Contains("nothere.conf", Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        NoStackTrace(result);
    }

    [Fact]
    public void Unknown_option_exits_2_naming_it()
    {
        var result = Cli.Run("run", Cli.Sample("two-hosts-tun"), "--bogus");
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.Contains("'--bogus'", result.Error);
        NoStackTrace(result);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    public void Missing_file_argument_exits_2(string verb)
    {
        var result = Cli.Run(verb);
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.Contains("Required argument missing", result.Error);
        Assert.Contains(verb, result.Error);
        NoStackTrace(result);
    }

    [Fact]
    public void Unknown_verb_exits_2()
    {
        var result = Cli.Run("frobnicate");
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.Contains("frobnicate", result.Error);
        NoStackTrace(result);
    }

    [Theory]
    [InlineData("run", new[] { "<file>", "--out", "--seed", "--set" })]
    [InlineData("validate", new[] { "<file>" })]
    [InlineData("bench", new[] { "--quick", "--json" })]
    public void Help_on_each_verb_exits_0_and_lists_its_options(string verb, string[] mentions)
    {
        var result = Cli.Run(verb, "--help");
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
        // In process the usage line is named after the test host, not netsim (see Help_names_the_command_netsim).
        Assert.Matches($"Usage:\\s+\\S+ {verb} ", result.Output);
        foreach (var m in mentions) Assert.Contains(m, result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Help_at_the_top_lists_the_verbs()
    {
        var result = Cli.Run("--help");
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
        foreach (var verb in new[] { "run", "validate", "bench" }) Assert.Contains(verb, result.Output);
    }

    [Fact]
    public void Help_names_the_command_netsim()
    {
        var result = Cli.RunProcess("run", "--help");
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
        Assert.Contains("netsim run <file> [options]", result.Output);
    }

    [Fact]
    public void Validate_of_a_good_sample_exits_0()
    {
        var result = Cli.Run("validate", Cli.Sample("two-hosts-tun"));
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
        Assert.Contains("two-hosts-tun.conf: ok (2 hosts, 1 links, 0 switches, 2 steps, 10 s)", result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Failed_expectation_exits_1_when_an_override_breaks_the_bound()
    {
        // two-hosts-tun expects rtt-max <= 10 ms; 20 ms each way makes every reply 40 ms late.
        using var dir = new TempFolder();
        var result = Cli.Run("run", Cli.Sample("two-hosts-tun"), "--out", dir.Path, "--set", "links.l1.delay=20ms");
        Assert.True(result.ExitCode == NetSimCommand.ExpectationFailed, result.ToString());
        Assert.Contains("an expectation failed", result.Output);
        using var report = Cli.Report(dir.Path);
        Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
        var rttMax = Assert.Single(report.RootElement.GetProperty("expectations").EnumerateArray(),
            e => e.GetProperty("condition").GetString()!.StartsWith("rtt-max", StringComparison.Ordinal));
        Assert.Equal("fail", rttMax.GetProperty("verdict").GetString());
        Assert.Equal(40.0, rttMax.GetProperty("observed").GetDouble());
    }

    [Fact]
    public void Failed_expectation_exits_1_in_a_scenario_of_its_own()
    {
        using var dir = new TempFolder();
        var file = dir.Write("too-hopeful.conf", Good.Replace("equals { received = 3 }", "equals { received = 4 }"));
        var result = Cli.Run("run", file, "--out", dir["out"]);
        Assert.True(result.ExitCode == NetSimCommand.ExpectationFailed, result.ToString());
        using var report = Cli.Report(dir["out"]);
        var e = Assert.Single(report.RootElement.GetProperty("expectations").EnumerateArray());
        Assert.Equal("fail", e.GetProperty("verdict").GetString());
        Assert.Equal(3.0, e.GetProperty("observed").GetDouble());
    }

    [Fact]
    public void Bad_override_exits_2_naming_it()
    {
        var result = Cli.Run("run", Cli.Sample("two-hosts-tun"), "--set", "links.l1.loss=2");
        Assert.True(result.ExitCode == NetSimCommand.BadInput, result.ToString());
        Assert.StartsWith("--set:1: links.l1.loss: ", Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        NoStackTrace(result);
    }

    private static void NoStackTrace(CliResult result)
    {
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.DoesNotContain("Exception", result.Error);
    }
}
