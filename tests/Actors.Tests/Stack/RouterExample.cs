using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace RouterDemo;

public static class RouterExample
{
    static readonly Ipv4Address ClientA = Ipv4Address.Parse("10.0.1.2"); // behind tun1
    static readonly Ipv4Address ClientB = Ipv4Address.Parse("10.0.2.2"); // behind tun2

    public static async Task<(byte[] RouterReply, byte[] Forwarded, byte[] ReplyFromB)> RunAsync()
    {
        using var sim = NetSimSystem.Create("router-example");
        var router = sim.AddHost("router", o => o with { Forwarding = true });   // ip_forward = 1

        // Two TUN NICs (`ip tuntap add mode tun`) and an address on each (`ip addr add`).
        await router.CreateNicAsync("tun1", isTap: false);
        await router.CreateNicAsync("tun2", isTap: false);
        await router.AddAddressAsync("tun1", Ipv4Address.Parse("10.0.1.1"), 24);
        await router.AddAddressAsync("tun2", Ipv4Address.Parse("10.0.2.1"), 24);

        // One open /dev/net/tun file per NIC: the two clients' ends, bare IP packets (NO_PI).
        var a = sim.OpenDevice(router);
        var b = sim.OpenDevice(router);
        await a.AttachAsync("tun1", TunFlags.Tun | TunFlags.NoPacketInfo);
        await b.AttachAsync("tun2", TunFlags.Tun | TunFlags.NoPacketInfo);

        // 1. A pings the router's far address 10.0.2.1: the router answers, out of tun1.
        await a.WriteAsync(Echo(IcmpV4Type.EchoRequest, ClientA, Ipv4Address.Parse("10.0.2.1"), sequence: 1));
        var routerReply = (await a.ReadAsync()).ToArray();

        // 2. A pings B: the router forwards the request out of tun2 (TTL 64 -> 63) ...
        await a.WriteAsync(Echo(IcmpV4Type.EchoRequest, ClientA, ClientB, sequence: 2));
        var forwarded = (await b.ReadAsync()).ToArray();
        // ... and B's echo reply, written into tun2's file, comes back out of tun1.
        await b.WriteAsync(Echo(IcmpV4Type.EchoReply, ClientB, ClientA, sequence: 2));
        var replyFromB = (await a.ReadAsync()).ToArray();

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
}
