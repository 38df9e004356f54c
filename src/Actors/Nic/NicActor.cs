using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Protocol;
using NetSim.Protocol.Capture;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.Protocol.Counters;

namespace NetSim.Actors.Nic;

/// <summary>
/// One virtual network interface (gVisor's tunEndpoint): name, never-reused ID, TUN or TAP, MTU, MAC, the bounded
/// outbound queue shared by every file attached to it, readiness subscribers and the <c>ip -s link</c> counters.
/// Frames written by files go up to the stack; frames the stack sends wait in the queue for a file's read.
/// Its parent, the StackActor, owns its lifetime (reference counting of files).
/// </summary>
public sealed class NicActor : UntypedActor
{
    private NicInfo _info;                  // follows ip link set (NicChanged): direct writes are checked against its MTU
    private readonly IActorRef _stack;
    private readonly OutboundQueue _queue;
    private readonly NicCounterSet _counters = new();
    private List<(IActorRef File, IActorRef Subscriber)>? _subscribers; // lazily: most NICs have none
    private List<NicPushSubscribe>? _push;  // direct-push readers (a link's port), lazily; the first takes every frame
    private readonly Readable _readable;
    private List<IActorRef>? _captureSinks; // lazily: capture is the exception
    private Queue<(IActorRef File, NicDequeue Read)>? _waitingReads; // blocking reads on an empty queue, lazily
    private SimClock? _clock;               // looked up on the first capture

    /// <summary>The NIC described by <paramref name="info"/>, child of the stack <paramref name="stack"/>; use <see cref="Props"/>.</summary>
    public NicActor(NicInfo info, IActorRef stack, int queueLength)
    {
        _info = info;
        _stack = stack;
        _queue = new OutboundQueue(queueLength);
        _readable = new Readable(info.Name);
    }

    /// <summary>A NIC with an outbound queue of <paramref name="queueLength"/> frames; only its StackActor creates one.</summary>
    public static Props Props(NicInfo info, IActorRef stack, int queueLength) =>
        SimDispatcher.Props<NicActor>(info, stack, SimDispatcher.Boxed(queueLength));

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case NicInbound m:
                Receive(m.Protocol, m.Frame);
                break;
            case NicWrite m:
                OnDirectWrite(m.Frame);
                break;
            case NicChanged m:
                _info = m.Nic;
                break;
            case NicInboundBatch m:
                foreach (var f in m.Frames)
                {
                    _counters.RxPackets++;
                    _counters.RxBytes += f.Frame.Length;
                    if (_captureSinks is not null) Capture(false, f.Frame);
                }
                _stack.Tell(new InboundFrameBatch(_info.NicId, m.Frames));
                break;
            case CaptureNic m:
                if (m.Active) { _captureSinks ??= []; if (!_captureSinks.Contains(m.Sink)) _captureSinks.Add(m.Sink); }
                else if (_captureSinks is not null && _captureSinks.Remove(m.Sink) && _captureSinks.Count == 0) _captureSinks = null;
                Sender.Tell(new CaptureStarted(_info.NicId, _info.Name, _info.IsTap, m.Active));
                break;
            case NicTransmit m:
                Enqueue(new ProtocolFrame(m.Protocol, m.Frame));
                if (_waitingReads is not null) ServeWaitingReads();
                if (_push is not null) Push();
                break;
            case NicTransmitBatch m:
                foreach (var f in m.Frames) Enqueue(f);
                if (_waitingReads is not null) ServeWaitingReads();
                if (_push is not null) Push();
                break;
            case NicDequeue m:
                Dequeue(m);
                break;
            case NicInboundIgnored m:
                _counters.CountRxError(m.Reason);
                break;
            case NicSubscribe m:
                Subscribe(m);
                break;
            case NicPushSubscribe m:
                SubscribePush(m);
                break;
            case FramesLost m:
                // Pushed frames that found their reader gone: never transmitted after all, so out of TX and into drops.
                _counters.TxPackets -= m.Frames;
                _counters.TxBytes -= m.Bytes;
                _counters.CountTxDrop(NicCounterNames.DropReasons.Closed, m.Frames);
                break;
            case NicFileDetached m:
                OnFileDetached(m); // a method of its own: its lambdas capture m, and a closure over a case's variable is allocated for every message the switch sees
                break;
            case GetNicCounters:
                Sender.Tell(CountersNow());
                break;
            case GetCounterView:
                Sender.Tell(new CounterView<NicCounters>(CountersNow));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnFileDetached(NicFileDetached m)
    {
        _subscribers?.RemoveAll(s => s.File.Equals(m.File));
        if (_push is not null && _push.RemoveAll(s => s.File.Equals(m.File)) > 0 && _push.Count == 0) _push = null;
        if (_waitingReads is not null) FailWaitingReads(Errno.EBADF, m.File);
        if (m.LastFile && !_queue.IsEmpty) _counters.CountTxDrop(NicCounterNames.DropReasons.Closed, _queue.Clear());
    }

    private void Receive(ushort protocol, ReadOnlyMemory<byte> frame)
    {
        _counters.RxPackets++;
        _counters.RxBytes += frame.Length;
        if (_captureSinks is not null) Capture(false, frame);
        _stack.Tell(new InboundFrame(_info.NicId, protocol, frame));
    }

    /// <summary>A port's write without its file (NicWrite): the file's checks, here, for a file with IFF_NO_PI.</summary>
    private void OnDirectWrite(ReadOnlyMemory<byte> raw)
    {
        var errno = raw.Length == 0 ? Errno.EINVAL : WriteRules.CheckSize(raw.Length, _info, packetInfo: false);
        if (errno != Errno.None) { Sender.Tell(OperationFailed.Of(errno, "write")); return; }
        if (WriteRules.TryStrip(raw, packetInfo: false, _info.IsTap, out var frame, out var ignoredBecause)) Receive(frame.Protocol, frame.Frame);
        else _counters.CountRxError(ignoredBecause);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Like tun_ring_recv once the device is gone (RCV_SHUTDOWN): blocked readers wake with EFAULT.
        if (_waitingReads is not null) FailWaitingReads(Errno.EFAULT, null);
        _stack.Tell(new NicStopped(_info.NicId));
        // Its last word for reports: whoever listens (a scenario run) learns what the NIC counted before it went.
        Context.System.EventStream.Publish(new NicFinalCounters(_stack, CountersNow()));
    }

    /// <summary>The answer to <see cref="GetNicCounters"/>, also what a <see cref="CounterView{T}"/> of this NIC reads.</summary>
    private NicCounters CountersNow() => _counters.Snapshot(_info.Name, _info.NicId, _queue.Count);

    private void Capture(bool outbound, ReadOnlyMemory<byte> frame)
    {
        var captured = new CapturedFrame(_info.NicId, outbound, (_clock ??= SimClock.For(Context.System)).Elapsed, frame);
        foreach (var sink in _captureSinks!) sink.Tell(captured);
    }

    private void Enqueue(in ProtocolFrame frame)
    {
        // Like tcpdump on a tun/tap interface, capture sees what the stack transmits, including what the queue drops.
        if (_captureSinks is not null) Capture(true, frame.Frame);
        var wasEmpty = _queue.IsEmpty;
        if (!_queue.TryEnqueue(frame))
        {
            // Never silent: the frame that does not fit is the one dropped, as gVisor's channel endpoint does.
            _counters.CountTxDrop(NicCounterNames.DropReasons.QueueFull);
            return;
        }
        if (wasEmpty && _subscribers is { Count: > 0 })
            foreach (var (_, subscriber) in _subscribers) subscriber.Tell(_readable);
    }

    private void Dequeue(NicDequeue request)
    {
        if (_queue.IsEmpty)
        {
            if (request.Block) (_waitingReads ??= new()).Enqueue((Sender, request));
            else request.ReplyTo.Tell(OperationFailed.Of(Errno.EAGAIN, request.Batch ? "read-batch" : "read"));
            return;
        }
        if (!request.Batch)
        {
            request.ReplyTo.Tell(new Packet(Take(request.PacketInfo)));
            return;
        }
        var n = Math.Min(request.MaxFrames, _queue.Count);
        var frames = new ReadOnlyMemory<byte>[n];
        for (var i = 0; i < n; i++) frames[i] = Take(request.PacketInfo);
        request.ReplyTo.Tell(new PacketBatch(frames));
    }

    /// <summary>Frames arrived: blocked reads are answered in the order they came, while frames last.</summary>
    private void ServeWaitingReads()
    {
        while (!_queue.IsEmpty && _waitingReads!.TryDequeue(out var waiting)) Dequeue(waiting.Read);
        if (_waitingReads!.Count == 0) _waitingReads = null;
    }

    /// <summary>Answers the blocked reads of <paramref name="file"/> (of every file when null) with <paramref name="errno"/>.</summary>
    private void FailWaitingReads(Errno errno, IActorRef? file)
    {
        var keep = new Queue<(IActorRef File, NicDequeue Read)>();
        foreach (var waiting in _waitingReads!)
        {
            if (file is null || waiting.File.Equals(file))
                waiting.Read.ReplyTo.Tell(OperationFailed.Of(errno, waiting.Read.Batch ? "read-batch" : "read"));
            else keep.Enqueue(waiting);
        }
        _waitingReads = keep.Count > 0 ? keep : null;
    }

    /// <summary>
    /// Dequeues a frame for a reader. TX counts here, when a file reads the frame, as Linux's tun_put_user does:
    /// a frame still queued (or dropped with the queue) was never transmitted.
    /// </summary>
    private ReadOnlyMemory<byte> Take(bool packetInfo)
    {
        var frame = _queue.Dequeue();
        _counters.TxPackets++;
        _counters.TxBytes += frame.Frame.Length;
        return packetInfo ? PacketInfoHeader.Prepend(frame.Frame, frame.Protocol) : frame.Frame;
    }

    /// <summary>Reads every queued frame for the first direct-push reader, in one message.</summary>
    private void Push()
    {
        if (_queue.IsEmpty) return;
        var reader = _push![0];
        PortFrames pushed;
        if (_queue.Count == 1)
        {
            pushed = PortFrames.Of(reader.Port, Take(packetInfo: false)); // the usual case: no array
        }
        else
        {
            var frames = new ReadOnlyMemory<byte>[_queue.Count];
            for (var i = 0; i < frames.Length; i++) frames[i] = Take(packetInfo: false);
            pushed = new PortFrames(reader.Port, frames);
        }
        // Sent as the NIC: should the target be gone, LostFrames hands the frames back to be counted (FramesLost).
        reader.Target.Tell(pushed, Self);
    }

    private void SubscribePush(NicPushSubscribe m)
    {
        var index = _push?.FindIndex(p => p.File.Equals(m.File) && p.Target.Equals(m.Target) && p.Port == m.Port) ?? -1;
        if (m.Active && index < 0) (_push ??= []).Add(m);
        else if (!m.Active && index >= 0) { _push!.RemoveAt(index); if (_push.Count == 0) _push = null; }
        Sender.Tell(new Subscribed(m.Active));
        // Level check, as for readiness: frames already queued go at once.
        if (_push is not null) Push();
    }

    private void Subscribe(NicSubscribe m)
    {
        if (m.Active)
        {
            _subscribers ??= [];
            if (!_subscribers.Contains((m.File, m.Subscriber))) _subscribers.Add((m.File, m.Subscriber));
        }
        else
        {
            _subscribers?.Remove((m.File, m.Subscriber));
        }
        Sender.Tell(new Subscribed(m.Active));
        // Level check at registration, as poll(2) does: a subscriber must not wait for an edge that already passed.
        if (m.Active && !_queue.IsEmpty) m.Subscriber.Tell(_readable);
    }
}
