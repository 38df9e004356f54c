using NetSim.Scenario;
using Xunit;

namespace NetSim.Scenario.Tests;

public class SourceMapTests
{
    [Fact]
    public void Records_lines_of_nested_dotted_and_list_paths()
    {
        var map = HoconSourceMap.Scan("a {\n  b = 1 # comment\n  c.d = \"x\"\n}\nlist = [\n  { k = 1 }\n  { k = 2 }\n]\n");
        Assert.Null(map.SyntaxError);
        Assert.Equal(1, map.LineOf("a"));
        Assert.Equal(2, map.LineOf("a.b"));
        Assert.Equal(3, map.LineOf("a.c.d"));
        Assert.Equal(6, map.LineOf("list[0].k"));
        Assert.Equal(7, map.LineOf("list[1].k"));
        Assert.Equal(7, map.NearestLine("list[1].missing"));
    }
}

public class HostileSourceTests
{
    [Theory]
    [InlineData("a = ${a}\n", 1, "refers to itself")]
    [InlineData("a = 1\nb = ${c}\nc = ${b}\n", 2, "cycle")]
    [InlineData("a = ${nope}\n", 1, "names no key")]
    [InlineData("a = ${?HOME}\n", 1, "optional substitution")]
    [InlineData("a = [\\]\n", 1, "backslash")]
    [InlineData("a = \"x\\qy\"\n", 1, "unknown escape")]
    [InlineData("a = \"\\u12\"\n", 1, "four hex digits")]
    [InlineData("a = []\na += 1\n", 2, "'+='")]
    public void Rejects_what_Akkas_parser_mishandles_with_its_line(string text, int line, string messagePart)
    {
        var map = HoconSourceMap.Scan(text);
        Assert.NotNull(map.SyntaxError);
        Assert.Equal(line, map.SyntaxError!.Value.Line);
        Assert.Contains(messagePart, map.SyntaxError.Value.Message);
    }

    [Fact]
    public void Nesting_is_bounded_at_its_line()
    {
        var text = string.Concat(Enumerable.Repeat("a {\n", 1000)) + string.Concat(Enumerable.Repeat("}\n", 1000));
        var map = HoconSourceMap.Scan(text);
        Assert.Equal(HoconSourceMap.MaxDepth, map.SyntaxError!.Value.Line); // the root object is the first level
    }

    [Fact]
    public void A_chain_of_substitutions_that_doubles_is_bounded()
    {
        var text = "k0 = x\n" + string.Concat(Enumerable.Range(1, 30).Select(i => $"k{i} = ${{k{i - 1}}}${{k{i - 1}}}\n"));
        Assert.Contains("substitutions to resolve", HoconSourceMap.Scan(text).SyntaxError!.Value.Message);
    }

    [Fact]
    public void Valid_escapes_and_substitutions_pass()
    {
        var map = HoconSourceMap.Scan("a = \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"\nb = ${a}\nc { d = ${b} }\n");
        Assert.Null(map.SyntaxError);
    }

    [Theory]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("18446744073709551615", -1L)]
    [InlineData("+5", 5L)]
    public void Any_64_bit_seed_parses(string text, long expected) => Assert.Equal(expected, ValueParsers.ParseSeed(text, out _));

    [Theory]
    [InlineData("18446744073709551616")]
    [InlineData("1.5")]
    [InlineData("-")]
    public void Seeds_past_64_bits_are_refused(string text)
    {
        Assert.Null(ValueParsers.ParseSeed(text, out var problem));
        Assert.Contains("not a seed", problem);
    }

    [Theory]
    [InlineData("50ns", "clock tick")]
    [InlineData("876001h", "876000h")]
    public void Durations_outside_the_limits_are_refused(string text, string messagePart)
    {
        Assert.Null(ValueParsers.ParseDuration(text, allowNegative: false, out var problem));
        Assert.Contains(messagePart, problem);
    }
}
