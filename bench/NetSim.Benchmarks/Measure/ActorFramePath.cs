using Akka.Actor;
using NetSim.Actors;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// The full actor path Write -> DeviceActor -> NicActor -> StackActor -> forwarder -> SendFrame -> StackActor ->
/// NicActor' (queue) -> Read on DeviceActor' -> reply from NicActor'. One host, two TUN files with PI headers
/// (tunA, tunB); a forwarder subscribed to the stack's inbound frames sends each frame from tunA out of tunB.
/// A driver actor does the whole pump with Tells (no Ask inside): it keeps at most <see cref="Frames.Window"/>
/// frames in flight, reads tunB on <see cref="Readable"/> until EAGAIN, and completes a TaskCompletionSource when
/// every frame came back. Only <see cref="Run"/> waits.
/// </summary>
public sealed class ActorFramePath : IDisposable
{
    private readonly NetSimSystem _sim;
    private readonly IActorRef _driver;
    private readonly IActorRef _nicB;

    private ActorFramePath(NetSimSystem sim, IActorRef driver, IActorRef nicB)
    {
        _sim = sim;
        _driver = driver;
        _nicB = nicB;
    }

    /// <summary>Starts a system with the two files, the forwarder and the driver.</summary>
    /// <summary>
    /// Starts the pump. <paramref name="router"/> false: a forwarder actor subscribed to the stack's inbound frames
    /// sends each out of tunB (the device layer's cost). True: the host is a router (forwarding on, tunA
    /// 10.0.0.254/24, tunB 10.1.0.254/24) and its IP stack forwards 10.0.0.1 -> 10.1.0.2 itself (TTL decrement,
    /// checksum, route lookup): the full forwarding path.
    /// </summary>
    public static ActorFramePath Start(string name = "bench-frames", bool router = false)
    {
        var sim = NetSimSystem.Create(name);
        try
        {
            var timeout = TimeSpan.FromSeconds(10);
            var host = sim.AddHost("h1");
            var fileA = sim.OpenDevice(host);
            var fileB = sim.OpenDevice(host);
            var a = Expect<Attached>(fileA.Ask<object>(new Attach("tunA", TunFlags.Tun), timeout).Result);
            var b = Expect<Attached>(fileB.Ask<object>(new Attach("tunB", TunFlags.Tun), timeout).Result);
            if (router)
            {
                Expect<HostConfigured>(host.Ask<object>(new SetForwarding(true), timeout).Result);
                Expect<HostConfigured>(host.Ask<object>(new AddAddress("tunA", IpAddress.Parse("10.0.0.254"), 24), timeout).Result);
                Expect<HostConfigured>(host.Ask<object>(new AddAddress("tunB", IpAddress.Parse("10.1.0.254"), 24), timeout).Result);
            }
            else
            {
                var forwarder = sim.System.ActorOf(Props.Create(() => new Forwarder(host, a.NicId, b.NicId)), "forwarder");
                Expect<InboundSubscribed>(host.Ask<object>(new SubscribeInbound(forwarder), timeout).Result);
            }
            var driver = sim.System.ActorOf(Props.Create(() => new Driver(fileA, fileB, router)), "driver");
            Expect<Subscribed>(fileB.Ask<object>(new SubscribeReadable(driver), timeout).Result);
            var infoB = Expect<NicInfo>(host.Ask<object>(new LookupNic("tunB"), timeout).Result);
            return new ActorFramePath(sim, driver, infoB.Nic);
        }
        catch
        {
            sim.Dispose();
            throw;
        }
    }

    /// <summary>Pumps <paramref name="frames"/> frames, <paramref name="batch"/> per message (1: Write/Read).</summary>
    public Task RunAsync(int frames, int batch)
    {
        if (batch < 1 || batch > Frames.Window || Frames.Window % batch != 0)
            throw new ArgumentOutOfRangeException(nameof(batch), $"must divide {Frames.Window}");
        if (frames % batch != 0) throw new ArgumentOutOfRangeException(nameof(frames), "must be a multiple of batch");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.Tell(new Driver.Start(frames, batch, done));
        return done.Task;
    }

    /// <summary>Pumps and waits (60 s at most: a lost frame would otherwise hang the benchmark).</summary>
    public void Run(int frames, int batch)
    {
        if (!RunAsync(frames, batch).Wait(TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"frame pump of {frames} (batch {batch}) did not finish; counters of tunB: {CountersB()}");
    }

    /// <summary>tunB's counters (to check that nothing was dropped).</summary>
    public NicCounters CountersB() => Expect<NicCounters>(_nicB.Ask<object>(GetNicCounters.Instance, TimeSpan.FromSeconds(10)).Result);

    public void Dispose() => _sim.Dispose();

    internal static T Expect<T>(object reply) =>
        reply is T t ? t : throw new InvalidOperationException($"expected {typeof(T).Name}, got {reply}");

    /// <summary>Sends every frame that enters the stack from NIC <c>from</c> out of NIC <c>to</c>.</summary>
    private sealed class Forwarder(IActorRef stack, int from, int to) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is InboundFrame f && f.NicId == from) stack.Tell(new SendFrame(to, f.Protocol, f.Frame), ActorRefs.NoSender); // no reply wanted
        }
    }

    private sealed class Driver : UntypedActor
    {
        public sealed record Start(int Frames, int Batch, TaskCompletionSource Done);

        private readonly IActorRef _fileA, _fileB;
        private readonly Write[] _writes;                 // one per ring buffer: no allocation per frame
        private readonly Dictionary<int, WriteBatch[]> _batches = [];
        private readonly Dictionary<int, ReadBatch> _readBatches = [];
        private int _target, _batch;
        private long _sent, _received;
        private bool _reading, _again;
        private TaskCompletionSource? _done;

        public Driver(IActorRef fileA, IActorRef fileB, bool routed)
        {
            _fileA = fileA;
            _fileB = fileB;
            var ring = Frames.Ring(routed);
            _writes = ring.Select(f => new Write(f)).ToArray();
        }

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Start s:
                    _target = s.Frames;
                    _batch = s.Batch;
                    _sent = _received = 0;
                    _done = s.Done;
                    Fill();
                    break;
                case Packet:
                    Got(1);
                    break;
                case PacketBatch p:
                    Got(p.Frames.Count);
                    break;
                case Readable:
                    if (_reading) _again = true;
                    else { _reading = true; ReadMore(); }
                    break;
                case OperationFailed { Errno: Errno.EAGAIN }:
                    if (_again) { _again = false; ReadMore(); }
                    else _reading = false;
                    break;
                case Written:
                    break;
                case BatchWritten w when w.Error == Errno.None:
                    break;
                default:
                    _done?.TrySetException(new InvalidOperationException($"unexpected {message}"));
                    break;
            }
        }

        private void Got(int n)
        {
            _received += n;
            if (_done is not null && _received >= _target)
            {
                _done.TrySetResult();
                _done = null;
            }
            Fill();
            ReadMore();
        }

        private void ReadMore()
        {
            if (_batch <= 1) _fileB.Tell(Read.Instance);
            else
            {
                if (!_readBatches.TryGetValue(_batch, out var rb)) _readBatches[_batch] = rb = new ReadBatch(_batch);
                _fileB.Tell(rb);
            }
        }

        private void Fill()
        {
            while (_done is not null && _sent < _target)
            {
                var k = (int)Math.Min(_batch, _target - _sent);
                if (_sent - _received + k > Frames.Window) return;
                var slot = (int)(_sent % Frames.Window);
                if (_batch == 1) _fileA.Tell(_writes[slot]);
                else _fileA.Tell(BatchesOf(_batch)[slot / _batch]);
                _sent += k;
            }
        }

        private WriteBatch[] BatchesOf(int batch)
        {
            if (_batches.TryGetValue(batch, out var b)) return b;
            b = new WriteBatch[Frames.Window / batch];
            for (var i = 0; i < b.Length; i++)
                b[i] = new WriteBatch(_writes.Skip(i * batch).Take(batch).Select(w => w.Frame).ToArray());
            return _batches[batch] = b;
        }
    }
}
