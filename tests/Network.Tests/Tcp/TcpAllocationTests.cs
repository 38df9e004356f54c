using NetSim.Network.Tcp;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tests.Tcp;

/// <summary>The steady-state TCP data path (send, segment out, segment in, ACK back, read) allocates nothing.</summary>
public class TcpAllocationTests
{
    /// <summary>Keeps transmitted frames in preallocated slots, so delivering them costs the test no allocation either.</summary>
    private sealed class SlotEvents : IHostStackEvents
    {
        private readonly byte[][] _slots = Enumerable.Range(0, 4096).Select(_ => new byte[2048]).ToArray();
        private readonly int[] _lengths = new int[4096];
        private int _head, _count;
        public HostStack? Peer;

        public void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame)
        {
            int slot = (_head + _count) % _slots.Length;
            frame.CopyTo(_slots[slot]);
            _lengths[slot] = frame.Length;
            _count++;
        }

        /// <summary>Delivers what is queued; returns how many frames.</summary>
        public int Deliver(TimeSpan now)
        {
            int n = 0;
            while (_count > 0)
            {
                int slot = _head;
                _head = (_head + 1) % _slots.Length;
                _count--;
                Peer!.Receive(1, EtherType.IPv4, _slots[slot].AsSpan(0, _lengths[slot]), now);
                n++;
            }
            return n;
        }

        public void UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload) { }
        public void UdpSendFailed(ushort localPort, IpAddress destination, Errno error) { }
        public void IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data) { }
    }

    [Fact]
    public void Bulk_data_send_receive_and_ack_allocate_nothing()
    {
        var config = new TcpConfig { DelayedAck = TimeSpan.Zero };
        var aEvents = new SlotEvents();
        var bEvents = new SlotEvents();
        var a = new HostStack(new HostStackOptions { Name = "a", Tcp = config }, aEvents);
        var b = new HostStack(new HostStackOptions { Name = "b", Tcp = config }, bEvents);
        aEvents.Peer = b;
        bEvents.Peer = a;
        a.AddInterface(1, "tun0", false, MacAddress.Zero, 1500);
        b.AddInterface(1, "tun0", false, MacAddress.Zero, 1500);
        a.AddAddress(1, TcpTestNet.AddressA, 24);
        b.AddAddress(1, TcpTestNet.AddressB, 24);
        b.TcpListen(80, out int listener);
        var now = TimeSpan.Zero;
        a.TcpConnect(TcpTestNet.AddressB, 80, now, out int client);
        while (aEvents.Deliver(now) + bEvents.Deliver(now) > 0) { }
        Assert.Equal(Errno.None, b.TcpAccept(listener, out int server));

        var chunk = new byte[8 * 1448];
        var sink = new byte[64 * 1024];
        long received = 0;
        void Step()
        {
            now += TimeSpan.FromMilliseconds(1);
            a.TcpSend(client, chunk, now, out _);
            while (aEvents.Deliver(now) + bEvents.Deliver(now) > 0)
            {
                while (b.TcpReceive(server, sink, now, out int n) == Errno.None && n > 0) received += n;
            }
        }
        for (int i = 0; i < 500; i++) Step(); // warm up: cwnd opens, pools fill
        long before = GC.GetAllocatedBytesForCurrentThread();
        long receivedBefore = received;
        for (int i = 0; i < 2000; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2000L * chunk.Length, received - receivedBefore);
        Assert.Equal(0, allocated);
    }
}
