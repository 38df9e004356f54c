// QuickStart: two NICs on one host, a frame written into one file comes out of the other.
// Run: dotnet run --project samples/QuickStart
using Akka.Actor;
using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Protocol.Stack;

using var sim = NetSimSystem.Create();
var host = sim.AddHost("h1");

// Two open /dev/net/tun files, each attached to a new TUN NIC without packet information.
var fileA = sim.OpenDevice(host);
var fileB = sim.OpenDevice(host);
var a = await fileA.AttachAsync("tun-a", TunFlags.Tun | TunFlags.NoPacketInfo);
var b = await fileB.AttachAsync("tun-b", TunFlags.Tun | TunFlags.NoPacketInfo);
Console.WriteLine($"attached {a.Name} (id {a.NicId}) and {b.Name} (id {b.NicId}), MTU {a.Mtu}");

// A tiny "router": every frame the stack receives on tun-a is sent out of tun-b.
await host.RequestAsync<InboundSubscribed>(new SubscribeInbound(sim.System.ActorOf(Props.Create(() => new Forwarder(host, a.NicId, b.NicId)))));

// Files block, as on Linux: this read waits for the frame the write below sets off.
var read = fileB.ReadAsync();
// An IPv4 header (version 4, 20 bytes) with a few payload bytes: the file takes it as is (NO_PI).
var packet = new byte[] { 0x45, 0, 0, 24, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0xde, 0xad, 0xbe, 0xef };
Console.WriteLine($"wrote {await fileA.WriteAsync(packet)} bytes into {a.Name}");
var frame = await read.WaitAsync(TimeSpan.FromSeconds(5));
Console.WriteLine($"read {frame.Length} bytes from {b.Name}: {Convert.ToHexString(frame.Span)}");

foreach (var c in new[] { await host.GetNicCountersAsync(a.Name), await host.GetNicCountersAsync(b.Name) })
    Console.WriteLine($"{c.Name}: RX packets {c.RxPackets} bytes {c.RxBytes} errors {c.RxErrors} | TX packets {c.TxPackets} bytes {c.TxBytes} dropped {c.TxDropped}");

// Non-blocking (O_NONBLOCK), an empty queue is EAGAIN: a typed exception with Linux's errno.
await fileB.SetNonBlockingAsync(true);
try { await fileB.ReadAsync(); }
catch (ErrnoException e) { Console.WriteLine($"second read on {b.Name}: {e.Errno} ({e.Message})"); }

/// <summary>Sends every inbound frame from one NIC out of another (no reply wanted: NoSender).</summary>
sealed class Forwarder : ReceiveActor
{
    public Forwarder(IActorRef host, int from, int to) =>
        Receive<InboundFrame>(f => f.NicId == from, f => host.Tell(new SendFrame(to, f.Protocol, f.Frame), ActorRefs.NoSender));
}
