using NetSim.Scenario;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>One test per kind of error; each checks the file, line and key that the message names.</summary>
public class ErrorTests
{
    private const string Base = """
        hosts {
          h1 {
            nics {
              eth0 { type = tap, addresses = ["10.0.0.1/24"] }
            }
          }
          h2 {
            nics {
              eth0 { type = tap, addresses = ["10.0.0.2/24"] }
            }
          }
        }

        """;

    private static ScenarioError Single(string text, int line, string key, string messagePart)
    {
        var path = LoaderTests.Write(text);
        var errors = LoaderTests.Errors(path);
        var e = Assert.Single(errors);
        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(messagePart, e.Message);
        Assert.StartsWith($"{path}:{line}: {(key.Length > 0 ? key + ": " : "")}", e.ToString());
        Assert.DoesNotContain("   at ", e.ToString());
        return e;
    }

    [Fact]
    public void Unclosed_list_is_a_syntax_error_on_its_opening_line()
    {
        // Akka's HOCON parser never returns on this input; the source scan must stop it first.
        Single("a {\n  b = 1\n  c = [1, 2\n}\n", 3, "", "never closed");
    }

    [Fact]
    public void Unclosed_object_is_a_syntax_error()
    {
        Single("hosts {\n  h1 {\n    forwarding = on\n", 2, "", "missing '}'");
    }

    [Fact]
    public void Stray_closing_brace_is_a_syntax_error()
    {
        Single("seed = 1\n}\n", 2, "", "unexpected '}'");
    }

    [Fact]
    public void Missing_value_is_a_syntax_error()
    {
        Single("seed = 1\nduration =\n", 2, "", "no value");
    }

    [Fact]
    public void Unterminated_string_is_a_syntax_error()
    {
        Single("seed = 1\ncapture = [\"h1.eth0]\n", 2, "", "not closed");
    }

    [Fact]
    public void Unknown_key_gets_did_you_mean()
    {
        var e = Single(Base + "links {\n  l1 { a = \"h1.eth0\", b = \"h2.eth0\", lost = 0.1 }\n}\n", 14, "links.l1.lost", "did you mean 'loss'");
        Assert.Contains("unknown key", e.Message);
    }

    [Fact]
    public void Unknown_top_level_key()
    {
        Single(Base + "durration = 5s\n", 13, "durration", "did you mean 'duration'");
    }

    [Fact]
    public void Link_to_missing_host()
    {
        Single(Base + "links {\n  l1 {\n    a = \"h1.eth0\"\n    b = \"h9.eth0\"\n  }\n}\n", 16, "links.l1.b", "no host named 'h9'");
    }

    [Fact]
    public void Link_to_missing_nic()
    {
        Single(Base + "links {\n  l1 {\n    a = \"h1.eth1\"\n    b = \"h2.eth0\"\n  }\n}\n", 15, "links.l1.a", "host h1 has no NIC 'eth1'");
    }

    [Fact]
    public void Duplicate_address()
    {
        var text = Base.Replace("10.0.0.2/24", "10.0.0.1/24", StringComparison.Ordinal);
        Single(text, 9, "hosts.h2.nics.eth0.addresses[0]", "duplicate address 10.0.0.1: already assigned to h1.eth0");
    }

    [Fact]
    public void Negative_delay()
    {
        Single(Base + "links {\n  l1 { a = \"h1.eth0\", b = \"h2.eth0\"\n    delay = -5ms }\n}\n", 15, "links.l1.delay", "negative");
    }

    [Fact]
    public void Loss_outside_zero_to_one()
    {
        var e = Single(Base + "links {\n  l1 {\n    a = \"h1.eth0\", b = \"h2.eth0\"\n    loss = 1.5\n  }\n}\n", 16, "links.l1.loss", "1.5 is not a probability (0..1)");
        Assert.EndsWith(":16: links.l1.loss: 1.5 is not a probability (0..1)", e.ToString());
    }

    [Fact]
    public void Mtu_out_of_range()
    {
        Single(Base.Replace("type = tap, addresses = [\"10.0.0.2/24\"]", "type = tap, mtu = 20, addresses = [\"10.0.0.2/24\"]", StringComparison.Ordinal),
            9, "hosts.h2.nics.eth0.mtu", "20 is out of range (68..65535)");
    }

    [Fact]
    public void Bad_prefix_length()
    {
        Single(Base.Replace("10.0.0.2/24", "10.0.0.2/33", StringComparison.Ordinal), 9, "hosts.h2.nics.eth0.addresses[0]", "bad prefix length");
    }

    [Fact]
    public void Bad_address()
    {
        Single(Base.Replace("10.0.0.2/24", "10.0.0.300/24", StringComparison.Ordinal), 9, "hosts.h2.nics.eth0.addresses[0]", "not an IPv4 or IPv6 address");
    }

    [Fact]
    public void Bad_mac()
    {
        Single(Base.Replace("type = tap, addresses = [\"10.0.0.2/24\"]", "type = tap, mac = \"02:00:00:00:00\", addresses = [\"10.0.0.2/24\"]", StringComparison.Ordinal),
            9, "hosts.h2.nics.eth0.mac", "not a MAC address");
    }

    [Fact]
    public void Bad_duration()
    {
        Single(Base + "duration = 10 parsecs\n", 13, "duration", "not a duration");
    }

    [Fact]
    public void Missing_required_key()
    {
        Single(Base + "links {\n  l1 { a = \"h1.eth0\" }\n}\n", 14, "links.l1.b", "is required but missing");
    }

    [Fact]
    public void Missing_nic_type()
    {
        Single("hosts {\n  h1 {\n    nics {\n      eth0 { addresses = [\"10.0.0.1/24\"] }\n    }\n  }\n}\n", 4, "hosts.h1.nics.eth0.type", "is required");
    }

    [Fact]
    public void Script_reference_to_unknown_link_and_flow()
    {
        var path = LoaderTests.Write(Base + "script = [\n  { at = 1s, link-down = l9 }\n  { at = 2s, expect { flow = p9, at-least { delivery-ratio = 1 } } }\n]\n");
        var errors = LoaderTests.Errors(path);
        Assert.Equal(2, errors.Count);
        Assert.Equal((14, "script[0].link-down"), (errors[0].Line, errors[0].Key));
        Assert.Contains("no link named 'l9'", errors[0].Message);
        Assert.Equal((15, "script[1].expect.flow"), (errors[1].Line, errors[1].Key));
        Assert.Contains("no ping, udp or tcp step is named 'p9'", errors[1].Message);
    }

    [Fact]
    public void Step_after_the_end_of_the_run()
    {
        Single(Base + "duration = 5s\nscript = [\n  { at = 6s, close-devices = \"h1.eth0\" }\n]\n", 15, "script[0].at", "after the end of the run");
    }

    [Fact]
    public void Several_errors_are_all_reported()
    {
        var path = LoaderTests.Write(Base + "seed = x\ntime-mode = fast\n");
        var errors = LoaderTests.Errors(path);
        Assert.Equal(["seed", "time-mode"], errors.Select(e => e.Key));
        Assert.Equal([13, 14], errors.Select(e => e.Line));
    }
}
