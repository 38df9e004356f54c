using NetSim.Protocol.Wire;
using static NetSim.Network.Tests.Net;
using V = NetSim.Network.Tests.ScapyVectors;

namespace NetSim.Network.Tests;

/// <summary>
/// Deterministic fuzzing: truncated, bit-flipped, length-field-mangled and random frames, fed to a TAP host, a TUN
/// host and a router. Nothing may throw and nothing may reach the internal-error counter.
/// </summary>
public class FuzzTests
{
    private static readonly byte[][] Seeds =
    [
        V.EchoRequestV4Tap, V.ArpReplyFromPeer, V.ArpRequestFromPeer, V.UdpPeerToHostClosedPort, V.EchoRequestV6Tap,
        V.NsFromPeerForHost, V.NaFromPeer, V.RouterProbeTtl1, V.RouterThroughIn, V.RouterBigIn, V.RouterBigV6In,
        V.RouterProbeV6HopLimit1, V.UdpFragmentsPeerToHost[0], V.UdpFragmentsPeerToHost[2], V.UdpFragmentsV6PeerToHost[1],
        V.PortUnreachableFromHost, V.RouterTimeExceeded, V.RouterTimeExceededV6, V.RouterPacketTooBigV6,
    ];

    private static byte[] Mutate(Random random, byte[] seed)
    {
        switch (random.Next(5))
        {
            case 0: // truncated anywhere
                return seed.AsSpan(0, random.Next(seed.Length + 1)).ToArray();
            case 1: // a few flipped bytes, anywhere
            {
                var f = (byte[])seed.Clone();
                for (int i = random.Next(1, 4); i > 0; i--) f[random.Next(f.Length)] ^= (byte)random.Next(1, 256);
                return f;
            }
            case 2: // a header byte (lengths, IHL, next header, option lengths) set to an extreme
            {
                var f = (byte[])seed.Clone();
                int at = random.Next(Math.Min(f.Length, 14 + 80));
                f[at] = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)random.Next(256) };
                return f;
            }
            case 3: // valid frame with garbage appended
                return [.. seed, .. Enumerable.Range(0, random.Next(64)).Select(_ => (byte)random.Next(256))];
            default: // noise behind a plausible Ethernet header
            {
                var f = new byte[random.Next(0, 200)];
                random.NextBytes(f);
                if (f.Length >= 14) seed.AsSpan(0, 14).CopyTo(f);
                return f;
            }
        }
    }

    [Fact]
    public void Thousands_of_mangled_frames_never_throw()
    {
        var random = new Random(20261125);
        var (tap, _) = Host1();
        tap.Bind(7000, out _);
        tap.Bind(9999, out _);
        var (tun, _) = Host1(tap: false);
        var (router, _) = Router(mtu2: 600);
        var now = TimeSpan.Zero;
        for (int i = 0; i < 5000; i++)
        {
            var frame = Mutate(random, Seeds[random.Next(Seeds.Length)]);
            now += Ms(random.Next(0, 50));
            ushort protocol = frame.Length >= 14 ? (ushort)(frame[12] << 8 | frame[13]) : EtherType.IPv4;
            tap.Receive(1, protocol, frame, now);
            router.Receive(1 + (i & 1), protocol, frame, now);
            var ip = frame.Length > 14 ? frame[14..] : frame;
            tun.Receive(1, (ushort)(i % 3 == 0 ? 0 : protocol), ip, now);
            if (i % 100 == 0)
            {
                tap.OnTimer(now);
                tun.OnTimer(now);
                router.OnTimer(now);
            }
        }
        now += TimeSpan.FromMinutes(5);
        tap.OnTimer(now);
        router.OnTimer(now);
        tun.OnTimer(now);

        Assert.Equal(0, tap.Counters.InternalErrors);
        Assert.Equal(0, tun.Counters.InternalErrors);
        Assert.Equal(0, router.Counters.InternalErrors);
        Assert.True(tap.Counters.Malformed > 500, $"only {tap.Counters.Malformed} malformed frames counted");
        Assert.True(tap.Counters.BadChecksum > 100, $"only {tap.Counters.BadChecksum} checksum failures counted");
        // Timers only ever move forward, and running them to the end leaves every stack idle.
        foreach (var stack in new[] { tap, tun, router })
        {
            for (int i = 0; i < 1000 && stack.NextDeadline is { } due; i++)
            {
                Assert.True(due >= now, $"deadline {due} is behind {now}");
                now = due;
                stack.OnTimer(now);
            }
            Assert.Null(stack.NextDeadline);
        }
    }
}
