using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tests;

/// <summary>
/// The host stack's look-up structures (longest-prefix-match index, local address map) give the answers of the
/// definitions they replace: a scan of the routing table in insertion order, a scan of every NIC's addresses.
/// </summary>
public class RouteLookupTests
{
    private static HostStack Stack(int nics)
    {
        var stack = new HostStack(new HostStackOptions { Name = "h", Forwarding = true }, new RecordingEvents());
        for (var i = 1; i <= nics; i++) Assert.Equal(Errno.None, stack.AddInterface(i, $"eth{i}", false, MacAddress.Zero, 1500));
        return stack;
    }

    /// <summary>The definition: the longest matching prefix, the first added on a tie.</summary>
    private static bool Reference(HostStack stack, IpAddress destination, out Route route)
    {
        var best = -1;
        route = default;
        foreach (var r in stack.Routes)
            if (r.PrefixLength > best && destination.IsInPrefix(r.Prefix, r.PrefixLength)) (best, route) = (r.PrefixLength, r);
        return best >= 0;
    }

    private static IpAddress V4(uint value) => new Ipv4Address(value);

    [Fact]
    public void Longest_prefix_wins_and_the_first_added_wins_a_tie()
    {
        var stack = Stack(3);
        Assert.Equal(Errno.None, stack.AddRoute(V4(0), 0, nicId: 1));
        Assert.Equal(Errno.None, stack.AddRoute(IpAddress.Parse("10.0.0.0"), 8, nicId: 2));
        Assert.Equal(Errno.None, stack.AddRoute(IpAddress.Parse("10.1.0.0"), 16, IpAddress.Parse("10.0.0.9"), nicId: 3));
        Assert.Equal(Errno.None, stack.AddRoute(IpAddress.Parse("10.1.0.0"), 16, nicId: 1)); // same prefix, added second
        Assert.Equal(Errno.EEXIST, stack.AddRoute(IpAddress.Parse("10.1.0.0"), 16, nicId: 1));

        Assert.True(stack.TryLookupRoute(IpAddress.Parse("10.1.2.3"), out var r));
        Assert.Equal((16, 3), (r.PrefixLength, r.NicId));
        Assert.True(stack.TryLookupRoute(IpAddress.Parse("10.2.0.1"), out r));
        Assert.Equal((8, 2), (r.PrefixLength, r.NicId));
        Assert.True(stack.TryLookupRoute(IpAddress.Parse("192.0.2.1"), out r));
        Assert.Equal((0, 1), (r.PrefixLength, r.NicId));

        Assert.True(stack.RemoveRoute(IpAddress.Parse("10.1.0.0"), 16));
        Assert.True(stack.TryLookupRoute(IpAddress.Parse("10.1.2.3"), out r));
        Assert.Equal(8, r.PrefixLength);
        Assert.Equal(Errno.None, stack.RemoveInterface(1));
        Assert.False(stack.TryLookupRoute(IpAddress.Parse("192.0.2.1"), out _));
    }

    /// <summary>Tables of up to <see cref="RouteTable.ScanLimit"/> routes are scanned, larger ones indexed; both
    /// answer as the definition, across growing past the limit and shrinking back (and a table's exact-prefix list).</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    public void Small_tables_are_scanned_and_answer_as_the_indexed_ones(int seed)
    {
        var random = new Random(seed);
        var scanned = new RouteTable();
        var reference = new List<Route>();
        for (var step = 0; step < 4000; step++)
        {
            var length = random.Next(0, 33);
            var prefix = V4((uint)random.Next(0, 4) << 28 | (uint)random.Next(0, 4) << 4).Network(length);
            var route = new Route(prefix, length, random.Next(3) == 0 ? V4((uint)random.Next()) : null, random.Next(1, 5));
            // Stay around the limit: a table crosses it both ways (it keeps its index once built).
            if (reference.Count >= RouteTable.ScanLimit + (step / 1000 % 2) * 4 || random.Next(8) == 0)
            {
                Predicate<Route> match = r => r.Prefix == prefix && r.PrefixLength == length;
                Assert.Equal(reference.RemoveAll(match), scanned.RemoveAll(match));
            }
            else
            {
                reference.Add(route);
                scanned.Add(route);
            }
            if (step < 1000) Assert.False(scanned.IsIndexed, "the first quarter never holds more than the limit");
            Assert.Equal(reference, scanned.All);
            var destination = V4((uint)random.Next(0, 4) << 28 | (uint)random.Next(0, 64));
            foreach (var connectedOnly in new[] { false, true })
            {
                var best = -1;
                Route want = default;
                foreach (var r in reference)
                    if ((!connectedOnly || r.IsConnected) && r.PrefixLength > best && destination.IsInPrefix(r.Prefix, r.PrefixLength)) (best, want) = (r.PrefixLength, r);
                Assert.Equal(best >= 0, scanned.TryLookup(destination, connectedOnly, out var got));
                if (best >= 0) Assert.Equal(want, got);
            }
            Assert.Equal(reference.Where(r => r.Prefix == prefix && r.PrefixLength == length), scanned.For(prefix, length));
        }
        Assert.True(scanned.IsIndexed, "the later steps grow past the limit");
    }

    [Fact]
    public void A_leaf_with_its_connected_route_and_a_default_keeps_no_index()
    {
        var stack = Stack(1);
        Assert.Equal(Errno.None, stack.AddAddress(1, IpAddress.Parse("10.0.0.2"), 30));
        Assert.Equal(Errno.None, stack.AddRoute(V4(0), 0, nicId: 1));
        Assert.Equal(2, stack.Routes.Count);
        Assert.False(stack.RoutesIndexed);
        Assert.True(stack.TryLookupRoute(IpAddress.Parse("10.0.0.1"), out var r));
        Assert.Equal(30, r.PrefixLength);
        Assert.Equal(Errno.EEXIST, stack.AddRoute(V4(0), 0, nicId: 1));
        for (var i = 0; i < RouteTable.ScanLimit; i++) Assert.Equal(Errno.None, stack.AddRoute(V4(0x0B000000u + ((uint)i << 8)), 24, nicId: 1));
        Assert.True(stack.RoutesIndexed);
        Assert.True(stack.TryLookupRoute(IpAddress.Parse("11.0.3.9"), out r));
        Assert.Equal(24, r.PrefixLength);
    }

    [Fact]
    public void Random_tables_answer_as_a_scan_of_the_routing_table_does()
    {
        var random = new Random(15);
        var stack = Stack(8);
        for (var step = 0; step < 3000; step++)
        {
            // Few distinct prefixes so ties and overlaps are common; now and then remove one.
            var length = random.Next(0, 33);
            var prefix = V4((uint)random.Next(0, 16) << 28 | (uint)random.Next(0, 4) << 20 | (uint)random.Next(0, 4) << 4).Network(length);
            if (random.Next(10) == 0) stack.RemoveRoute(prefix, length);
            else stack.AddRoute(prefix, length, null, random.Next(1, 9));
            if (random.Next(50) == 0) stack.AddAddress(random.Next(1, 9), V4((uint)random.Next()), random.Next(8, 31));

            var destination = V4((uint)random.Next(0, 16) << 28 | (uint)random.Next(0, 4) << 20 | (uint)random.Next(0, 32));
            var expected = Reference(stack, destination, out var want);
            Assert.Equal(expected, stack.TryLookupRoute(destination, out var got));
            if (expected) Assert.Equal(want, got);
        }
        var v6 = IpAddress.Parse("2001:db8::1");
        Assert.Equal(Errno.None, stack.AddRoute(IpAddress.Parse("2001:db8::"), 32, nicId: 2));
        Assert.Equal(Errno.None, stack.AddRoute(IpAddress.Parse("2001:db8::"), 64, nicId: 3));
        Assert.True(stack.TryLookupRoute(v6, out var route6));
        Assert.Equal((64, 3), (route6.PrefixLength, route6.NicId));
    }

    [Fact]
    public void Local_addresses_follow_adds_and_removals_of_addresses_and_nics()
    {
        var stack = Stack(2);
        var a = IpAddress.Parse("10.0.0.1");
        var b = IpAddress.Parse("fd00::1");
        Assert.Equal(Errno.None, stack.AddAddress(1, a, 24));
        Assert.Equal(Errno.None, stack.AddAddress(2, b, 64));
        Assert.Equal(Errno.EEXIST, stack.AddAddress(2, a, 24));
        Assert.True(stack.IsLocalAddress(a) && stack.IsLocalAddress(b));
        Assert.Equal(Errno.None, stack.RemoveAddress(1, a));
        Assert.False(stack.IsLocalAddress(a));
        Assert.Equal(Errno.None, stack.AddAddress(2, a, 24)); // free again, now on eth2
        Assert.Equal(Errno.None, stack.RemoveInterface(2));
        Assert.False(stack.IsLocalAddress(a) || stack.IsLocalAddress(b));
        Assert.Equal(Errno.None, stack.AddAddress(1, a, 24));
        Assert.True(stack.IsLocalAddress(a));
    }
}
