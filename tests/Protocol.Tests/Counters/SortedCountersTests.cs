using NetSim.Protocol.Counters;

namespace NetSim.Protocol.Tests.Counters;

public class SortedCountersTests
{
    [Fact]
    public void Added_names_take_their_ordinal_place_and_the_shared_names_stay_as_they_were()
    {
        string[] shared = ["b.x", "d", "f"];
        var first = new SortedCounters(shared) { ["d"] = 4, ["a"] = 1, ["e"] = 5, ["B"] = 0, ["g"] = 7 };
        var second = new SortedCounters(shared) { ["f"] = 6 };

        Assert.Equal(["B", "a", "b.x", "d", "e", "f", "g"], first.Keys);
        Assert.Equal([0L, 1, 0, 4, 5, 0, 7], first.Values);
        Assert.Equal(first.Keys.Order(StringComparer.Ordinal), first.Keys);
        Assert.Equal(["b.x", "d", "f"], shared);
        Assert.Equal([new KeyValuePair<string, long>("b.x", 0), new("d", 0), new("f", 6)], second);
        Assert.Equal(7, first.Count);
    }

    [Fact]
    public void Looks_up_like_a_dictionary()
    {
        var counters = new SortedCounters(["a", "c"]) { ["c"] = 3 };
        for (var i = 0; i < 40; i++) counters[$"z{i:00}"] = i; // grows past its spare room
        counters["c"] = 30;

        Assert.True(counters.TryGetValue("c", out var c));
        Assert.Equal(30, c);
        Assert.Equal(39, counters["z39"]);
        Assert.False(counters.TryGetValue("b", out _));
        Assert.False(counters.ContainsKey("b"));
        Assert.True(counters.ContainsKey("a"));
        Assert.Throws<KeyNotFoundException>(() => counters["b"]);
        Assert.Equal(42, counters.Count);
        Assert.Equal(counters.Keys.Order(StringComparer.Ordinal), counters.Keys);
    }
}
