using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tests;

/// <summary>
/// State a host makes on first use (its random source past the constructor's draws, its TCP tables) behaves as state
/// made with the host did: same ephemeral ports, same answers before and after the first use.
/// </summary>
public class LazyHostStateTests
{
    private static HostStack Stack(HostStackOptions options)
    {
        var stack = new HostStack(options, new RecordingEvents());
        Assert.Equal(Errno.None, stack.AddInterface(1, "eth0", false, MacAddress.Zero, 1500));
        Assert.Equal(Errno.None, stack.AddAddress(1, IpAddress.Parse("10.0.0.1"), 24));
        return stack;
    }

    /// <summary>The sequence a random source kept from the constructor gives: its two draws, then the bind's.</summary>
    [Theory]
    [InlineData(1, null, null)]
    [InlineData(7, (ushort)5, null)]
    [InlineData(42, null, 9u)]
    [InlineData(3, (ushort)1, 2u)]
    public void Ephemeral_ports_follow_the_seed_as_a_source_made_with_the_host(int seed, ushort? ipId, uint? fragmentId)
    {
        var options = new HostStackOptions { Name = "h", Seed = seed, InitialIpId = ipId, InitialIpv6FragmentId = fragmentId };
        var stack = Stack(options);
        var reference = new Random(seed);
        if (ipId is null) reference.Next(0, 65536);
        if (fragmentId is null) reference.NextInt64(0, 1L << 32);
        int first = options.EphemeralPortFirst, count = options.EphemeralPortLast - first + 1;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Errno.None, stack.Bind(0, out var port));
            Assert.Equal(first + reference.Next(count), port); // free ports: the drawn start is taken
        }
    }

    [Fact]
    public void A_host_without_tcp_answers_as_one_whose_tables_exist()
    {
        var stack = Stack(new HostStackOptions { Name = "h" });
        Assert.Equal(0, stack.TcpConnectionCount);
        Assert.Empty(stack.TcpConnections);
        Assert.Null(stack.NextDeadline);
        Assert.Equal(Errno.EBADF, stack.TcpAccept(7, out _));
        Assert.Equal(Errno.None, stack.TcpListen(80, out var listener));
        Assert.Equal(Errno.EADDRINUSE, stack.TcpListen(80, out _));
        Assert.Equal(Errno.EAGAIN, stack.TcpAccept(listener, out _));
        Assert.Equal(0, stack.TcpConnectionCount);
    }

    /// <summary>Until its first neighbour a host reads one shared empty cache; the first entry gives it a cache of its
    /// own, which another host never sees.</summary>
    [Fact]
    public void A_neighbour_added_to_one_host_is_its_own()
    {
        HostStack Tap(string name)
        {
            var stack = new HostStack(new HostStackOptions { Name = name }, new RecordingEvents());
            Assert.Equal(Errno.None, stack.AddInterface(1, "eth0", true, MacAddress.Parse("02:00:00:00:00:01"), 1500));
            Assert.Equal(Errno.None, stack.AddAddress(1, IpAddress.Parse("10.0.0.1"), 24));
            return stack;
        }
        var a = Tap("a");
        var b = Tap("b");
        var peer = IpAddress.Parse("10.0.0.2");
        Assert.False(a.TryGetNeighbour(1, peer, TimeSpan.Zero, out _));
        Assert.Null(a.NextDeadline);
        Assert.Equal(Errno.None, a.AddNeighbour(1, peer, MacAddress.Parse("02:00:00:00:00:02")));
        Assert.True(a.TryGetNeighbour(1, peer, TimeSpan.Zero, out var mac));
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:02"), mac);
        Assert.False(b.TryGetNeighbour(1, peer, TimeSpan.Zero, out _));
        Assert.False(Tap("c").TryGetNeighbour(1, peer, TimeSpan.Zero, out _));
    }
}
