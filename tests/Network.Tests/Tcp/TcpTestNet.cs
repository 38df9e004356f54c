using System.Security.Cryptography;
using NetSim.Network.Tcp;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tests.Tcp;

/// <summary>
/// Two HostStacks on a simulated point-to-point TUN link in virtual time: a rate-limited, delayed, drop-tail link in
/// each direction with seeded loss, reordering and duplication. A discrete-event loop advances time to the next
/// delivery or host timer, so a minute of simulated transfer takes well under a second and runs the same every time.
/// </summary>
internal sealed class TcpTestNet
{
    public static readonly Ipv4Address AddressA = Ipv4Address.Parse("10.0.0.1");
    public static readonly Ipv4Address AddressB = Ipv4Address.Parse("10.0.0.2");
    public static readonly Ipv6Address AddressA6 = Ipv6Address.Parse("2001:db8::1");
    public static readonly Ipv6Address AddressB6 = Ipv6Address.Parse("2001:db8::2");

    private readonly PriorityQueue<Action, (TimeSpan, long)> _events = new();
    private long _order;
    private readonly Random _random;

    public TimeSpan Now { get; private set; }
    public HostStack A { get; }
    public HostStack B { get; }
    public Link AToB { get; }
    public Link BToA { get; }
    public List<TcpApp> Apps { get; } = [];

    /// <summary>Fires on every socket change, after the stack call that caused it returns (apps pump then).</summary>
    private bool _dirty;

    public TcpTestNet(LinkSpec? link = null, TcpConfig? tcpA = null, TcpConfig? tcpB = null, int seed = 7, LinkSpec? reverse = null)
    {
        _random = new Random(seed);
        var spec = link ?? new LinkSpec();
        A = new HostStack(new HostStackOptions { Name = "a", Seed = seed, Tcp = tcpA ?? new TcpConfig() }, new Events(this, 0));
        B = new HostStack(new HostStackOptions { Name = "b", Seed = seed + 1, Tcp = tcpB ?? new TcpConfig() }, new Events(this, 1));
        foreach (var (host, v4, v6) in new[] { (A, AddressA, AddressA6), (B, AddressB, AddressB6) })
        {
            Assert.Equal(Errno.None, host.AddInterface(1, "tun0", false, MacAddress.Zero, spec.Mtu));
            Assert.Equal(Errno.None, host.AddAddress(1, v4, 24));
            Assert.Equal(Errno.None, host.AddAddress(1, v6, 64));
        }
        AToB = new Link(this, spec, B);
        BToA = new Link(this, reverse ?? spec, A);
    }

    private sealed class Events(TcpTestNet net, int side) : IHostStackEvents
    {
        public void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame) =>
            (side == 0 ? net.AToB : net.BToA).Send(protocol, frame);
        public void UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload) { }
        public void UdpSendFailed(ushort localPort, IpAddress destination, Errno error) { }
        public void IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data) { }
        public void TcpSocketChanged(int socket) => net._dirty = true;
    }

    public void At(TimeSpan time, Action action) => _events.Enqueue(action, (time, _order++));

    public double NextRandom() => _random.NextDouble();

    /// <summary>Runs until <paramref name="until"/> (or <paramref name="stop"/> holds, checked after every event).</summary>
    public void Run(TimeSpan until, Func<bool>? stop = null)
    {
        PumpApps();
        for (int guard = 0; guard < 50_000_000; guard++)
        {
            if (stop?.Invoke() == true) return;
            TimeSpan next = until;
            bool haveEvent = _events.TryPeek(out _, out var key) && key.Item1 <= next;
            if (haveEvent) next = key.Item1;
            if (A.NextDeadline is { } da && da < next) { next = da; haveEvent = false; }
            if (B.NextDeadline is { } db && db < next) { next = db; haveEvent = false; }
            if (next >= until && !haveEvent) { Now = until; return; }
            Now = next < Now ? Now : next;
            if (haveEvent)
            {
                _events.Dequeue()();
            }
            else
            {
                if (A.NextDeadline <= Now) A.OnTimer(Now);
                if (B.NextDeadline <= Now) B.OnTimer(Now);
            }
            PumpApps();
        }
        throw new InvalidOperationException("event loop guard hit");
    }

    private void PumpApps()
    {
        for (int round = 0; _dirty && round < 100; round++)
        {
            _dirty = false;
            foreach (var app in Apps) app.Pump(this);
        }
    }

    public void Poke() => _dirty = true;

    /// <summary>Opens a listener on B and connects A to it; returns the apps (not yet established).</summary>
    public (BulkSender Sender, SinkReceiver Receiver) BulkTransfer(long bytes, ushort port = 5001, IpAddress? to = null, TcpConfig? config = null, int readBudget = int.MaxValue)
    {
        var receiver = new SinkReceiver(B, port, readBudget);
        Assert.Equal(Errno.None, B.TcpListen(port, out receiver.Listener));
        var sender = new BulkSender(A, bytes, seed: port);
        Assert.Equal(Errno.None, A.TcpConnect(to ?? AddressB, port, Now, out sender.Socket, config: config));
        Apps.Add(sender);
        Apps.Add(receiver);
        Poke();
        return (sender, receiver);
    }
}

/// <summary>How one direction of the link behaves.</summary>
internal sealed record LinkSpec
{
    public double RateBitsPerSecond { get; init; } = 100e6;
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Packets queued for serialization before drop-tail (the bottleneck buffer).</summary>
    public int QueueLimit { get; init; } = 1000;
    public double Loss { get; init; }
    public double Reorder { get; init; }
    public double Duplicate { get; init; }
    public int Mtu { get; init; } = 1500;
}

internal sealed class Link(TcpTestNet net, LinkSpec spec, HostStack to)
{
    private TimeSpan _busyUntil;
    private readonly Queue<TimeSpan> _departures = new();
    public long Sent, Dropped, Delivered, QueueDrops;
    public LinkSpec Spec => spec;
    public Action<byte[]>? Tap { get; set; }
    /// <summary>A hook that may drop a frame (return false) before the link's own rules apply.</summary>
    public Func<byte[], bool>? Filter { get; set; }

    public void Send(ushort protocol, ReadOnlySpan<byte> frame)
    {
        var copy = frame.ToArray();
        Sent++;
        Tap?.Invoke(copy);
        if (Filter is { } f && !f(copy)) { Dropped++; return; }
        var now = net.Now;
        while (_departures.Count > 0 && _departures.Peek() <= now) _departures.Dequeue();
        if (_departures.Count >= spec.QueueLimit) { QueueDrops++; return; }
        var start = _busyUntil > now ? _busyUntil : now;
        var done = start + TimeSpan.FromSeconds(copy.Length * 8 / spec.RateBitsPerSecond);
        _busyUntil = done;
        _departures.Enqueue(done);
        if (spec.Loss > 0 && net.NextRandom() < spec.Loss) { Dropped++; return; }
        var arrival = done + spec.Delay;
        if (spec.Reorder > 0 && net.NextRandom() < spec.Reorder) arrival += spec.Delay / 2 + TimeSpan.FromMilliseconds(1);
        Deliver(arrival, protocol, copy);
        if (spec.Duplicate > 0 && net.NextRandom() < spec.Duplicate) Deliver(arrival + TimeSpan.FromMicroseconds(10), protocol, copy);
    }

    private void Deliver(TimeSpan at, ushort protocol, byte[] frame) => net.At(at, () =>
    {
        Delivered++;
        to.Receive(1, protocol, frame, net.Now);
    });
}

internal abstract class TcpApp
{
    public abstract void Pump(TcpTestNet net);
}

/// <summary>Writes <c>bytes</c> of seeded random data as fast as the socket takes them, then shuts down.</summary>
internal sealed class BulkSender(HostStack host, long bytes, int seed) : TcpApp
{
    public int Socket;
    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _chunkOffset = 64 * 1024, _chunkLength = 64 * 1024;
    public long Written { get; private set; }
    public bool ShutDown { get; private set; }
    public Errno LastError { get; private set; }
    public byte[]? Hash { get; private set; }
    public TimeSpan? FinishedWritingAt { get; private set; }

    public override void Pump(TcpTestNet net)
    {
        var c = host.TcpConnectionOf(Socket);
        if (c is null || ShutDown) return;
        if (c.State is TcpState.SynSent or TcpState.SynReceived) return;
        while (Written < bytes)
        {
            if (_chunkOffset == _chunkLength)
            {
                _chunkLength = (int)Math.Min(_chunk.Length, bytes - Written);
                _random.NextBytes(_chunk.AsSpan(0, _chunkLength));
                _hash.AppendData(_chunk, 0, _chunkLength);
                _chunkOffset = 0;
            }
            var e = host.TcpSend(Socket, _chunk.AsSpan(_chunkOffset, _chunkLength - _chunkOffset), net.Now, out int n);
            if (e != Errno.None) { LastError = e; return; }
            _chunkOffset += n;
            Written += n;
        }
        Hash = _hash.GetHashAndReset();
        FinishedWritingAt = net.Now;
        ShutDown = true;
        host.TcpShutdown(Socket, net.Now);
    }
}

/// <summary>Accepts one connection and reads everything (at most <c>readBudget</c> bytes per pump), hashing it.</summary>
internal sealed class SinkReceiver(HostStack host, ushort port, int readBudget) : TcpApp
{
    public int Listener;
    public int Socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    public long Received { get; private set; }
    public bool Eof { get; private set; }
    public Errno LastError { get; private set; }
    public byte[]? Hash { get; private set; }
    public TimeSpan? EofAt { get; private set; }
    public bool Paused { get; set; }
    public ushort Port => port;

    public override void Pump(TcpTestNet net)
    {
        if (Socket == 0 && host.TcpAccept(Listener, out int s) == Errno.None) Socket = s;
        if (Socket == 0 || Eof || Paused) return;
        int budget = readBudget;
        while (budget > 0)
        {
            var e = host.TcpReceive(Socket, _buffer.AsSpan(0, Math.Min(_buffer.Length, budget)), net.Now, out int n);
            if (e == Errno.EAGAIN) return;
            if (e != Errno.None) { LastError = e; return; }
            if (n == 0)
            {
                Eof = true;
                EofAt = net.Now;
                Hash = _hash.GetHashAndReset();
                host.TcpClose(Socket, net.Now);
                return;
            }
            _hash.AppendData(_buffer, 0, n);
            Received += n;
            budget -= n;
        }
    }
}
