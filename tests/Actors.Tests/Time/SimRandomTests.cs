using Akka.Actor;
using Akka.Configuration;
using NetSim.Actors.Time;
using Xunit;

namespace NetSim.Actors.Tests.Time;

public sealed class SimRandomTests
{
    [Theory]
    // Computed with an independent Python transcription of the reference xoshiro256** + SplitMix64 seeding.
    [InlineData(0UL, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(42UL, 0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL)]
    public void Matches_the_reference_xoshiro256starstar(ulong seed, ulong first, ulong second, ulong third)
    {
        var r = new SimRandom(seed);
        Assert.Equal([first, second, third], new[] { r.NextUInt64(), r.NextUInt64(), r.NextUInt64() });
    }

    [Fact]
    public void Child_streams_do_not_depend_on_the_parent_s_draws_or_creation_order()
    {
        var a = new SimRandom(5);
        var linkA = a.Child("link/h1-h2");
        var hostA = a.Child("host/h1");

        var b = new SimRandom(5);
        for (var i = 0; i < 100; i++) b.NextUInt64();
        var hostB = b.Child("host/h1");          // other order, after draws
        var linkB = b.Child("link/h1-h2");

        Assert.Equal(Draw(linkA, 50), Draw(linkB, 50));
        Assert.Equal(Draw(hostA, 50), Draw(hostB, 50));
        Assert.NotEqual(Draw(a.Child("link/h1-h2"), 50), Draw(a.Child("link/h2-h1"), 50));
        Assert.NotEqual(Draw(a.Child(1), 50), Draw(a.Child("1"), 50));
        Assert.NotEqual(Draw(new SimRandom(6).Child("link/h1-h2"), 50), Draw(a.Child("link/h1-h2"), 50));
        Assert.Equal(Draw(a.Child("x").Child(7), 10), Draw(new SimRandom(5).Child("x").Child(7), 10));
    }

    [Fact]
    public void Bounded_values_stay_in_range_and_are_roughly_uniform()
    {
        var r = new SimRandom(123);
        var counts = new int[6];
        for (var i = 0; i < 60_000; i++) counts[r.Next(6)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));

        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(r.Next(-3, 4), -3, 3);
            Assert.InRange(r.NextDouble(), 0.0, 0.9999999999999999);
            Assert.InRange(r.NextTimeSpan(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2));
            Assert.InRange(r.NextInt64(1_000_000_000_000), 0, 999_999_999_999);
        }
        Assert.Equal(int.MinValue, new SimRandom(1).Next(int.MinValue, int.MinValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(0));
    }

    [Fact]
    public void Chance_honours_its_extremes_and_its_rate()
    {
        var r = new SimRandom(9);
        Assert.DoesNotContain(true, Enumerable.Range(0, 1000).Select(_ => r.Chance(0.0)));
        Assert.DoesNotContain(false, Enumerable.Range(0, 1000).Select(_ => r.Chance(1.0)));
        var hits = Enumerable.Range(0, 100_000).Count(_ => r.Chance(0.1));
        Assert.InRange(hits, 9_500, 10_500);
    }

    [Fact]
    public void Bytes_and_macs()
    {
        var r1 = new SimRandom(3);
        var r2 = new SimRandom(3);
        var b1 = new byte[13];
        var b2 = new byte[13];
        r1.NextBytes(b1);
        r2.NextBytes(b2);
        Assert.Equal(b1, b2);
        Assert.Contains(b1, b => b != 0);

        for (var i = 0; i < 100; i++)
        {
            var mac = r1.NextLocalMac();
            Assert.True(mac.IsLocallyAdministered);
            Assert.False(mac.IsMulticast);
        }
    }

    [Fact]
    public void SimSeed_reads_netsim_random_seed_and_names_streams()
    {
        var system = ActorSystem.Create("seed", ConfigurationFactory.ParseString("netsim.random.seed = 77\nakka.loglevel = WARNING"));
        try
        {
            var seed = SimSeed.For(system);
            Assert.Equal(77UL, seed.Seed);
            Assert.Equal(Draw(new SimRandom(77).Child("nic/3"), 20), Draw(seed.Stream("nic/3"), 20));
            Assert.Equal(Draw(seed.Stream("nic/3"), 20), Draw(seed.Stream("nic/3"), 20));
        }
        finally
        {
            VirtualTimeTests.Shutdown(system);
        }
    }

    private static ulong[] Draw(SimRandom r, int n) => Enumerable.Range(0, n).Select(_ => r.NextUInt64()).ToArray();
}
