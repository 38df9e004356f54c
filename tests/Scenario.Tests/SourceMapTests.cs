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
