using Akka.Configuration;
using Akka.Actor;
using Akka.TestKit;
using NetSim.Actors.Tests.Core;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using Xunit;

namespace NetSim.Actors.Tests.StackTests;

/// <summary>
/// Real-time helpers for driving a host's stack only through device files: configure the host with StackActor
/// messages, then Write frames into a file and Read what the stack sends back, compared byte for byte with the scapy
/// vectors (tests/Network.Tests/ScapyVectors.cs, linked into this project).
/// </summary>
/// <remarks>
/// The vectors were made for a HostStack whose IPv4 IDs start at 0x1000; a StackActor draws its first IP ID from the
/// run's seed and offers no message to set it. So IPv4 packets the host originates are compared with the 16-bit
/// Identification and header checksum fields masked (<see cref="SameIpv4Masked"/>), and the real header checksum is
/// verified separately: everything else (addresses, TTL, flags, lengths, ICMP checksum, payload) is byte-exact.
/// </remarks>
public abstract class StackTestKit()
    // Real time on a shared machine: a read can come later than Linux's 1 s ARP/NDP retry, and the retried request
    // would then be a second frame where the tests expect exactly one. The tests answer every request themselves.
    : DeviceTestKit(ConfigurationFactory.ParseString("netsim.stack.neighbour.retry-interval = 60s"))
{
    protected static readonly MacAddress HostMac = MacAddress.Parse("02:00:00:00:00:01");
    protected static readonly Ipv4Address HostIp = Ipv4Address.Parse("10.0.0.1");
    protected static readonly Ipv6Address HostIp6 = Ipv6Address.Parse("2001:db8::1");

    /// <summary>How long to wait for a frame the stack must send (real time, loaded machine).</summary>
    protected static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A NIC created with <c>ip tuntap add</c> semantics (persistent); replies are checked.</summary>
    protected NicInfo CreateNic(IActorRef host, string name, bool isTap, MacAddress? mac = null, int? mtu = null)
    {
        host.Tell(new CreateNic(name, isTap, mtu, mac), TestActor);
        return ExpectMsg<NicInfo>();
    }

    protected void Configure(IActorRef host, object request)
    {
        host.Tell(request, TestActor);
        var reply = ExpectMsg<object>();
        Assert.True(reply is HostConfigured, $"{request} answered {reply}");
    }

    /// <summary>The host of the vectors: one NIC with MAC 02:00:00:00:00:01, 10.0.0.1/24 and 2001:db8::1/64.</summary>
    protected IActorRef VectorHost(string nic, bool isTap)
    {
        var host = NewHost();
        CreateNic(host, nic, isTap, isTap ? HostMac : null);
        Configure(host, new AddAddress(nic, HostIp, 24));
        Configure(host, new AddAddress(nic, HostIp6, 64));
        return host;
    }

    /// <summary>A non-blocking file attached to <paramref name="nic"/> with a readiness probe subscribed (an epoll loop).</summary>
    protected (IActorRef File, TestProbe Readable) OpenFile(IActorRef host, string nic, TunFlags flags)
    {
        var file = Open(host, nonBlocking: true);
        Attach(file, nic, flags);
        var probe = CreateTestProbe();
        file.Tell(new SubscribeReadable(probe), TestActor);
        ExpectMsg<Subscribed>();
        return (file, probe);
    }

    protected void WriteFrame(IActorRef file, byte[] frame)
    {
        file.Tell(new Write(frame), TestActor);
        var reply = ExpectMsg<object>();
        Assert.True(reply is Written w && w.Length == frame.Length, $"write of {frame.Length} bytes answered {reply}");
    }

    /// <summary>
    /// Reads exactly <paramref name="count"/> frames: waits for Readable (edge-triggered), drains with ReadBatch until
    /// EAGAIN, and repeats until enough frames came.
    /// </summary>
    protected List<byte[]> ReadFrames(IActorRef file, TestProbe readable, int count)
    {
        var frames = new List<byte[]>();
        while (frames.Count < count)
        {
            readable.ExpectMsg<Readable>(FrameTimeout);
            while (true)
            {
                file.Tell(new ReadBatch(16), TestActor);
                var reply = ExpectMsg<object>();
                if (reply is OperationFailed { Errno: Errno.EAGAIN }) break;
                var batch = Assert.IsType<PacketBatch>(reply);
                frames.AddRange(batch.Frames.Select(f => f.ToArray()));
            }
        }
        Assert.Equal(count, frames.Count);
        return frames;
    }

    /// <summary>The file's queue is empty (call after a barrier that proves the stack has handled what was written).</summary>
    protected void AssertNothingToRead(IActorRef file)
    {
        file.Tell(new ReadBatch(16), TestActor);
        var reply = ExpectMsg<object>();
        if (reply is PacketBatch b)
            Assert.Fail("unexpected frames: " + string.Join(", ", b.Frames.Select(f => Convert.ToHexString(f.Span))));
        Assert.Equal(Errno.EAGAIN, Assert.IsType<OperationFailed>(reply).Errno);
    }

    protected IReadOnlyDictionary<string, long> HostCounters(IActorRef host)
    {
        host.Tell(GetHostCounters.Instance, TestActor);
        return ExpectMsg<HostCounterSnapshot>().Counters;
    }

    /// <summary>
    /// Waits until the host's counter <paramref name="name"/> reaches <paramref name="value"/>. The stack replies to
    /// GetHostCounters only after it handled the frames before it, and whatever those frames made it transmit is
    /// already in the NIC's queue: so afterwards an empty Read proves nothing was emitted.
    /// </summary>
    protected IReadOnlyDictionary<string, long> AwaitCounter(IActorRef host, string name, long value)
    {
        IReadOnlyDictionary<string, long> counters = new Dictionary<string, long>();
        AwaitAssert(() =>
        {
            counters = HostCounters(host);
            Assert.True(counters.ContainsKey(name), $"no host counter '{name}'; have: {string.Join(", ", counters.Keys)}");
            Assert.Equal(value, counters[name]);
        }, FrameTimeout, TimeSpan.FromMilliseconds(20));
        return counters;
    }

    /// <summary>A 4-byte packet information header (flags 0) followed by <paramref name="frame"/>.</summary>
    protected static byte[] WithPi(ushort protocol, byte[] frame)
    {
        var b = new byte[PacketInfoHeader.Length + frame.Length];
        PacketInfoHeader.Emit(b, protocol);
        frame.CopyTo(b, PacketInfoHeader.Length);
        return b;
    }

    protected static void SameBytes(byte[] expected, byte[] actual) =>
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));

    /// <summary>
    /// Compares an IPv4 packet the host originated (at <paramref name="ipOffset"/> in both frames) with the vector,
    /// with the Identification and header-checksum fields masked (the IP ID is seeded, not 0x1000 as in the vectors);
    /// the actual header checksum must still be valid. Returns the actual IP ID.
    /// </summary>
    protected static ushort SameIpv4Masked(byte[] expected, byte[] actual, int ipOffset)
    {
        Assert.True(actual.Length >= ipOffset + Ipv4Header.MinLength, $"frame too short: {Convert.ToHexString(actual)}");
        var header = Ipv4Header.Parse(actual.AsSpan(ipOffset));
        Assert.True(header.IsChecksumValid, $"bad IPv4 header checksum in {Convert.ToHexString(actual)}");
        SameBytes(MaskIdAndChecksum(expected, ipOffset), MaskIdAndChecksum(actual, ipOffset));
        return header.Identification;
    }

    private static byte[] MaskIdAndChecksum(byte[] frame, int ipOffset)
    {
        var copy = (byte[])frame.Clone();
        if (copy.Length < ipOffset + Ipv4Header.MinLength) return copy;
        copy[ipOffset + 4] = copy[ipOffset + 5] = 0;   // Identification
        copy[ipOffset + 10] = copy[ipOffset + 11] = 0; // header checksum
        return copy;
    }
}
