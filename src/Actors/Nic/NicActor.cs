using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Capture;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Nic;

/// <summary>
/// One virtual network interface (gVisor's tunEndpoint): name, never-reused ID, TUN or TAP, MTU, MAC, the bounded
/// outbound queue shared by every file attached to it, readiness subscribers and the <c>ip -s link</c> counters.
/// Frames written by files go up to the stack; frames the stack sends wait in the queue for a file's read.
/// Its parent, the StackActor, owns its lifetime (reference counting of files).
/// </summary>
public sealed class NicActor : UntypedActor
{
    private readonly NicInfo _info;
    private readonly IActorRef _stack;
    private readonly OutboundQueue _queue;
    private readonly NicCounterSet _counters = new();
    private List<(IActorRef File, IActorRef Subscriber)>? _subscribers; // lazily: most NICs have none
    private readonly Readable _readable;
    private List<IActorRef>? _captureSinks; // lazily: capture is the exception
    private SimClock? _clock;               // looked up on the first capture

    public NicActor(NicInfo info, IActorRef stack, int queueLength)
    {
        _info = info;
        _stack = stack;
        _queue = new OutboundQueue(queueLength);
        _readable = new Readable(info.Name);
    }

    public static Props Props(NicInfo info, IActorRef stack, int queueLength) =>
        Akka.Actor.Props.Create(typeof(NicActor), info, stack, queueLength).WithSimDispatcher();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case NicInbound m:
                _counters.RxPackets++;
                _counters.RxBytes += m.Frame.Length;
                if (_captureSinks is not null) Capture(false, m.Frame);
                _stack.Tell(new InboundFrame(_info.NicId, m.Protocol, m.Frame));
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
                break;
            case NicTransmitBatch m:
                foreach (var f in m.Frames) Enqueue(f);
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
            case NicFileDetached m:
                _subscribers?.RemoveAll(s => s.File.Equals(m.File));
                if (m.LastFile && !_queue.IsEmpty) _counters.CountTxDrop(NicCounterSet.Reasons.Closed, _queue.Clear());
                break;
            case GetNicCounters:
                Sender.Tell(_counters.Snapshot(_info.Name, _info.NicId, _queue.Count));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        _stack.Tell(new NicStopped(_info.NicId));
        // Its last word for reports: whoever listens (a scenario run) learns what the NIC counted before it went.
        Context.System.EventStream.Publish(new NicFinalCounters(_stack, _counters.Snapshot(_info.Name, _info.NicId, _queue.Count)));
    }

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
            _counters.CountTxDrop(NicCounterSet.Reasons.QueueFull);
            return;
        }
        if (wasEmpty && _subscribers is { Count: > 0 })
            foreach (var (_, subscriber) in _subscribers) subscriber.Tell(_readable);
    }

    private void Dequeue(NicDequeue request)
    {
        if (_queue.IsEmpty)
        {
            request.ReplyTo.Tell(OperationFailed.Of(Errno.EAGAIN, request.Batch ? "read-batch" : "read"));
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
