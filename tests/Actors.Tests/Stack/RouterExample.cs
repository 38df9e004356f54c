using Akka.Actor;
using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace RouterDemo;

public static class RouterExample
{
    static readonly Ipv4Address ClientA = Ipv4Address.Parse("10.0.1.2"); // behind tun1
    static readonly Ipv4Address ClientB = Ipv4Address.Parse("10.0.2.2"); // behind tun2

    public static async Task<(byte[] RouterReply, byte[] Forwarded, byte[] ReplyFromB)> RunAsync()
    {
        using var sim = NetSimSystem.Create("router-example");
        var router = sim.AddHost("router");

        // Two TUN NICs (`ip tuntap add mode tun`), an address on each (`ip addr add`), forwarding on (ip_forward=1).
        await Expect<NicInfo>(router, new CreateNic("tun1", IsTap: false));
        await Expect<NicInfo>(router, new CreateNic("tun2", IsTap: false));
        await Expect<HostConfigured>(router, new AddAddress("tun1", Ipv4Address.Parse("10.0.1.1"), 24));
        await Expect<HostConfigured>(router, new AddAddress("tun2", Ipv4Address.Parse("10.0.2.1"), 24));
        await Expect<HostConfigured>(router, new SetForwarding(true));

        // One open /dev/net/tun file per NIC: the two clients' ends, bare IP packets (NO_PI).
        var a = sim.OpenDevice(router);
        var b = sim.OpenDevice(router);
        await Expect<Attached>(a, new Attach("tun1", TunFlags.Tun | TunFlags.NoPacketInfo));
        await Expect<Attached>(b, new Attach("tun2", TunFlags.Tun | TunFlags.NoPacketInfo));

        // 1. A pings the router's far address 10.0.2.1: the router answers, out of tun1.
        await Expect<Written>(a, new Write(Echo(IcmpV4Type.EchoRequest, ClientA, Ipv4Address.Parse("10.0.2.1"), sequence: 1)));
        var routerReply = await ReadAsync(a);

        // 2. A pings B: the router forwards the request out of tun2 (TTL 64 -> 63) ...
        await Expect<Written>(a, new Write(Echo(IcmpV4Type.EchoRequest, ClientA, ClientB, sequence: 2)));
        var forwarded = await ReadAsync(b);
        // ... and B's echo reply, written into tun2's file, comes back out of tun1.
        await Expect<Written>(b, new Write(Echo(IcmpV4Type.EchoReply, ClientB, ClientA, sequence: 2)));
        var replyFromB = await ReadAsync(a);

        Console.WriteLine($"router reply: {Convert.ToHexString(routerReply)}");
        Console.WriteLine($"forwarded:    {Convert.ToHexString(forwarded)}");
        Console.WriteLine($"B's reply:    {Convert.ToHexString(replyFromB)}");
        return (routerReply, forwarded, replyFromB);
    }

    /// <summary>An IPv4 ICMP echo request or reply (TTL 64, id 0x1234, 4 data bytes), checksums filled in.</summary>
    static byte[] Echo(byte type, Ipv4Address source, Ipv4Address destination, ushort sequence)
    {
        var packet = new byte[Ipv4Header.MinLength + IcmpV4.HeaderLength + 4];
        var icmpLength = IcmpV4.EmitEcho(packet.AsSpan(Ipv4Header.MinLength), type, 0x1234, sequence, "ping"u8);
        Ipv4Header.Emit(packet, source, destination, IpProtocol.Icmp, icmpLength, ttl: 64, identification: sequence);
        return packet;
    }

    /// <summary>Every request gets exactly one reply: the expected one, or an error (OperationFailed).</summary>
    static async Task<T> Expect<T>(IActorRef target, object request)
    {
        var reply = await target.Ask<object>(request, TimeSpan.FromSeconds(5));
        return reply is T expected ? expected : throw new InvalidOperationException($"{request}: {reply}");
    }

    /// <summary>Read is non-blocking (EAGAIN when the queue is empty), so poll until the stack has sent something.</summary>
    static async Task<byte[]> ReadAsync(IActorRef file)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            switch (await file.Ask<object>(Read.Instance, TimeSpan.FromSeconds(5)))
            {
                case Packet p: return p.Frame.ToArray();
                case OperationFailed { Errno: Errno.EAGAIN }: await Task.Delay(10); break;
                case var other: throw new InvalidOperationException($"read: {other}");
            }
        }
        throw new TimeoutException("nothing to read");
    }
}
