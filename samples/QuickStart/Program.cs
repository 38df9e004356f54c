// QuickStart: two NICs on one host, a frame written into one file comes out of the other.
// Run: dotnet run --project samples/QuickStart
using Akka.Actor;
using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

using var sim = NetSimSystem.Create();
var host = sim.AddHost("h1");
var timeout = TimeSpan.FromSeconds(5);

// Two open /dev/net/tun files, each attached to a new TUN NIC without packet information.
var fileA = sim.OpenDevice(host);
var fileB = sim.OpenDevice(host);
var a = (Attached)await fileA.Ask<object>(new Attach("tun-a", TunFlags.Tun | TunFlags.NoPacketInfo), timeout);
var b = (Attached)await fileB.Ask<object>(new Attach("tun-b", TunFlags.Tun | TunFlags.NoPacketInfo), timeout);
Console.WriteLine($"attached {a.Name} (id {a.NicId}) and {b.Name} (id {b.NicId}), MTU {a.Mtu}");

// A tiny "router": every frame the stack receives on tun-a is sent out of tun-b.
var router = sim.System.ActorOf(Props.Create(() => new Forwarder(host, a.NicId, b.NicId)));
await host.Ask<InboundSubscribed>(new SubscribeInbound(router), timeout);

// Wait for tun-b to become readable, then read.
var readable = new TaskCompletionSource();
var waiter = sim.System.ActorOf(Props.Create(() => new ReadableWaiter(readable)));
await fileB.Ask<Subscribed>(new SubscribeReadable(waiter), timeout);

// An IPv4 header (version 4, 20 bytes) with a few payload bytes: the file takes it as is (NO_PI).
var packet = new byte[] { 0x45, 0, 0, 24, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0xde, 0xad, 0xbe, 0xef };
var written = (Written)await fileA.Ask<object>(new Write(packet), timeout);
Console.WriteLine($"wrote {written.Length} bytes into {a.Name}");

await readable.Task.WaitAsync(timeout);
var read = (Packet)await fileB.Ask<object>(Read.Instance, timeout);
Console.WriteLine($"read {read.Frame.Length} bytes from {b.Name}: {Convert.ToHexString(read.Frame.Span)}");

foreach (var nic in new[] { a.NicId, b.NicId })
{
    var info = (NicInfo)await host.Ask<object>(new LookupNicById(nic), timeout);
    var c = await info.Nic.Ask<NicCounters>(GetNicCounters.Instance, timeout);
    Console.WriteLine($"{c.Name}: RX packets {c.RxPackets} bytes {c.RxBytes} errors {c.RxErrors} | TX packets {c.TxPackets} bytes {c.TxBytes} dropped {c.TxDropped}");
}

var again = await fileB.Ask<object>(Read.Instance, timeout);
Console.WriteLine($"second read on {b.Name}: {again}");

/// <summary>Sends every inbound frame from one NIC out of another.</summary>
sealed class Forwarder : ReceiveActor
{
    public Forwarder(IActorRef host, int from, int to) =>
        Receive<InboundFrame>(f => f.NicId == from, f => host.Tell(new SendFrame(to, f.Protocol, f.Frame), ActorRefs.NoSender));
}

/// <summary>Completes a task on the first readiness notification.</summary>
sealed class ReadableWaiter : ReceiveActor
{
    public ReadableWaiter(TaskCompletionSource done) => Receive<Readable>(_ => done.TrySetResult());
}
