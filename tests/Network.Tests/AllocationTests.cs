using NetSim.Protocol;
using NetSim.Protocol.Wire;
using static NetSim.Network.Tests.Net;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Network.Tests;

/// <summary>The steady-state hot paths allocate nothing: buffers come from the shared array pool.</summary>
public class AllocationTests
{
    /// <summary>Counts what it is told without keeping the spans, so the measurement sees only the stack.</summary>
    private sealed class CountingEvents : IHostStackEvents
    {
        public long Frames, Bytes, Datagrams;
        public void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame) { Frames++; Bytes += frame.Length; }
        public void UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload) => Datagrams++;
        public void UdpSendFailed(ushort localPort, IpAddress destination, Errno error) { }
        public void IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data) { }
    }

    /// <summary>Bytes the calling thread allocated over <paramref name="runs"/> calls, the least of three rounds: an
    /// allocation on the path shows in every round (times <paramref name="runs"/>), while a one-off of the runtime on
    /// this thread (a tier-up under load, seen once in a loaded CI-like run) shows in one round at most.</summary>
    private static long AllocatedBy(Action action, int warmup = 200, int runs = 2000)
    {
        for (int i = 0; i < warmup; i++) action();
        var least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < runs; i++) action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    [Fact]
    public void Echo_reply_over_tap_allocates_nothing()
    {
        var events = new CountingEvents();
        var host = new HostStack(Options("host"), events);
        host.AddInterface(1, "tap0", true, HostMac, 1500);
        host.AddAddress(1, Host, 24);
        host.AddNeighbour(1, Peer, PeerMac);
        var frame = V.EchoRequestV4Tap;
        Assert.Equal(0, AllocatedBy(() => host.Receive(1, EtherType.IPv4, frame, Ms(1))));
        Assert.Equal(200 + 3 * 2000, events.Frames);
    }

    [Fact]
    public void Forwarding_allocates_nothing()
    {
        var events = new CountingEvents();
        var router = new HostStack(Options("router", forwarding: true), events);
        router.AddInterface(1, "tap1", true, R1Mac, 1500);
        router.AddInterface(2, "tap2", true, R2Mac, 1500);
        router.AddAddress(1, R1, 24);
        router.AddAddress(2, R2, 24);
        router.AddNeighbour(2, B, BMac);
        var frame = V.RouterThroughIn;
        Assert.Equal(0, AllocatedBy(() => router.Receive(1, EtherType.IPv4, frame, Ms(1))));
        Assert.Equal(200 + 3 * 2000, router.Counters.Forwarded);
    }

    [Fact]
    public void Udp_send_and_receive_allocate_nothing()
    {
        var events = new CountingEvents();
        var host = new HostStack(Options("host"), events);
        host.AddInterface(1, "tun0", false, MacAddress.Zero, 1500);
        host.AddAddress(1, Host, 24);
        host.AddAddress(1, Host6, 64);
        host.Bind(40000, out _);
        host.Bind(9999, out _);
        var payload = new byte[512];
        var inbound = V.UdpPeerToHostClosedPort.AsSpan(14).ToArray();
        Assert.Equal(0, AllocatedBy(() =>
        {
            host.SendUdp(40000, Peer, 7, payload, Ms(1));
            host.SendUdp(40000, Peer6, 7, payload, Ms(1));
            host.Receive(1, EtherType.IPv4, inbound, Ms(1));
        }));
        Assert.Equal(200 + 3 * 2000, events.Datagrams);
    }
}
