using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Actors.Nic;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;
using NetSim.Protocol.Counters;

namespace NetSim.Actors.Device;

/// <summary>
/// One open /dev/net/tun file (gVisor's tun.Device): per-file flags and the attachment to one NIC. It checks
/// every request the way the real device does (errno for errno, see docs/design.md), strips and
/// adds the packet-information header, and forwards frames to its NIC. Reads are answered by the NIC directly
/// to the reader, so a read costs two hops and no Ask.
/// </summary>
public sealed class DeviceActor : UntypedActor
{
    private readonly IActorRef _stack;
    private readonly bool _netAdmin;
    private bool _nonBlocking;                // O_NONBLOCK: an empty read is EAGAIN instead of waiting

    private IActorRef? _nic;                  // null until attached
    private NicInfo? _info;
    private TunFlags _flags;
    private bool _nicRemoved;                 // the NIC left the stack under us: writes are EIO
    private bool _detached;                   // the stack was told to drop this file's reference (DropReference)
    private IActorRef? _attachRequester;      // an Attach waiting for the stack's answer
    private AttachPort? _attachingPort;       // that Attach is a port's, which also subscribes to the NIC's frames
    private List<(object Message, IActorRef Sender)>? _stashed; // requests that arrived while attaching
    private List<IActorRef>? _subscribers;    // readiness subscribers registered before or after attach

    private readonly bool _tellParentWhenStopped; // the parent (a port) hears FileStopped instead of watching

    /// <summary>A file on the host whose stack is <paramref name="stack"/>; use <see cref="Props"/>.</summary>
    public DeviceActor(IActorRef stack, bool netAdmin, bool nonBlocking, bool tellParentWhenStopped)
    {
        _stack = stack;
        _netAdmin = netAdmin;
        _nonBlocking = nonBlocking;
        _tellParentWhenStopped = tellParentWhenStopped;
    }

    /// <summary>
    /// An open file on the host whose StackActor is <paramref name="stack"/>, with or without CAP_NET_ADMIN; blocking
    /// (reads wait for a frame) unless <paramref name="nonBlocking"/> (O_NONBLOCK: an empty read is EAGAIN). With
    /// <paramref name="tellParentWhenStopped"/> the file tells its parent <see cref="FileStopped"/> when it stops,
    /// however it stops: for a parent that owns the file and would otherwise watch it.
    /// </summary>
    // Props from a type and arguments, not an expression tree: building one per file costs 5-10x less (bench: NIC churn).
    public static Props Props(IActorRef stack, bool netAdmin = true, bool nonBlocking = false, bool tellParentWhenStopped = false) =>
        SimDispatcher.Props<DeviceActor>(stack, SimDispatcher.Boxed(netAdmin), SimDispatcher.Boxed(nonBlocking), SimDispatcher.Boxed(tellParentWhenStopped));

    /// <inheritdoc />
    protected override void PostStop()
    {
        // However the file stops (closed, its owner stopped, a crash its supervisor stops), its reference on the NIC
        // goes now, ahead of the stack's DeathWatch (which stays, for attachers that are not DeviceActors). An attach
        // still on its way is counted first: both come from this file.
        DropReference();
        if (_tellParentWhenStopped) Context.Parent.Tell(FileStopped.Instance, Self);
    }

    private void DropReference()
    {
        if (!_detached && (_nic is not null || _attachRequester is not null)) _stack.Tell(DetachFile.Instance, Self);
        _detached = true;
    }

    /// <inheritdoc />
    // A restart is not a stop (its parent hears nothing: the default would call PostStop; a file has no children).
    // The restarted file starts unattached, as a file just opened: the reference of the one that failed goes.
    protected override void PreRestart(Exception reason, object message) => DropReference();

    private bool PacketInfo => _flags.HasPacketInfo();

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        // While TUNSETIFF is in flight the file behaves as if the ioctl had not returned yet: later requests wait.
        if (_attachRequester is not null && message is not FileAttached and not OperationFailed)
        {
            (_stashed ??= []).Add((message, Sender));
            return;
        }

        switch (message)
        {
            case Write m: OnWrite(m); break;
            case WriteBatch m: OnWriteBatch(m); break;
            case Read: OnRead(1, batch: false); break;
            case ReadBatch m: OnRead(m.MaxFrames, batch: true); break;
            case Attach m: OnAttach(m); break;
            case AttachPort m: OnAttachPort(m); break;
            case FileAttached m: OnAttached(m.Nic); break;
            case OperationFailed m when _attachRequester is not null: OnAttachFailed(m); break;
            case GetInfo:
                // TUNGETIFF: Linux adds IFF_NOFILTER when no socket filter is set (always, here); IFF_PERSIST is the
                // NIC's, so the stack that holds it answers while the NIC exists.
                var flags = (_flags & (TunFlags.Tun | TunFlags.Tap | TunFlags.NoPacketInfo)) | TunFlags.NoFilter;
                if (_info is not null && !_nicRemoved) _stack.Tell(new GetNicFlags(_info.NicId, flags), Sender);
                else Sender.Tell(new DeviceInfo(_info?.Name ?? "", flags));
                break;
            case SetPersist m:
                if (_info is null) Fail(Errno.EBADFD, "set-persist");
                else if (_nicRemoved) Fail(Errno.EIO, "set-persist");
                else _stack.Forward(new SetNicPersist(_info.NicId, m.Persist));
                break;
            case SetNonBlocking m:
                _nonBlocking = m.NonBlocking;
                Sender.Tell(new NonBlockingSet(m.NonBlocking));
                break;
            case SubscribeReadable m: OnSubscribe(m.Subscriber, true); break;
            case UnsubscribeReadable m: OnSubscribe(m.Subscriber, false); break;
            case SubscribeFrames m: OnSubscribeFrames(m); break;
            case Close:
                // Reply first: whatever the detach sets off (the NIC's removal) happens after the closer hears Closed.
                Sender.Tell(Closed.Instance);
                DropReference(); // no attach is in flight here: requests wait while one is
                Context.Stop(Self);
                break;
            case NicChanged c when c.Nic.NicId == _info?.NicId:
                _info = c.Nic; // ip link set mtu/address: later writes are checked against the new MTU
                break;
            case NicRemoved r when r.NicId == _info?.NicId:
                _nicRemoved = true; // the stack tells the files of a NIC it removes (no DeathWatch per file: memory)
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Fail(Errno errno, string operation) => Sender.Tell(OperationFailed.Of(errno, operation));

    private void OnAttach(Attach m)
    {
        // Order of checks as in gVisor: capability (ioctl), then already attached, then flags (SetIff).
        if (!_netAdmin) { Fail(Errno.EPERM, "attach"); return; }
        if (_nic is not null) { Fail(Errno.EINVAL, "attach"); return; }
        if (!m.Flags.IsValidForAttach()) { Fail(Errno.EINVAL, "attach"); return; }
        _attachRequester = Sender;
        _flags = m.Flags;
        _stack.Tell(new AttachFile(m.Name, m.Flags));
    }

    private void OnAttachPort(AttachPort m)
    {
        // A pushed reader never waits and takes whole frames: what SubscribeFrames would refuse is refused up front.
        if (!_nonBlocking || m.Flags.HasPacketInfo()) { Fail(Errno.EINVAL, "attach"); return; }
        OnAttach(new Attach(m.Name, m.Flags));
        if (_attachRequester is not null) _attachingPort = m;
    }

    private void OnAttached(NicInfo nic)
    {
        _info = nic;
        _nic = nic.Nic;
        var attached = new Attached(nic.Name, nic.NicId, _flags, nic.Mtu, nic.Mac);
        if (_attachingPort is { } port)
        {
            // Registered before the port hears of it, so the push is in place before the port's owner writes; the
            // NIC's Subscribed goes to no one (the reply below says it all).
            _nic.Tell(new NicPushSubscribe(Self, port.Target, port.Port, true), ActorRefs.Nobody);
            _attachRequester!.Tell(new PortFileAttached(attached, nic.Nic));
            _attachingPort = null;
        }
        else _attachRequester!.Tell(attached);
        if (_subscribers is not null)
            foreach (var s in _subscribers) _nic.Tell(new NicSubscribe(Self, s, true), ActorRefs.NoSender);
        Unstash();
    }

    private void OnAttachFailed(OperationFailed error)
    {
        _flags = TunFlags.None;
        _attachingPort = null;
        _attachRequester!.Tell(error);
        Unstash();
    }

    private void Unstash()
    {
        _attachRequester = null;
        if (_stashed is null) return;
        var pending = _stashed;
        _stashed = null;
        foreach (var (msg, sender) in pending) Self.Tell(msg, sender);
    }

    private void OnSubscribe(IActorRef subscriber, bool active)
    {
        _subscribers ??= [];
        if (active) { if (!_subscribers.Contains(subscriber)) _subscribers.Add(subscriber); }
        else _subscribers.Remove(subscriber);
        if (_nic is not null && !_nicRemoved) _nic.Forward(new NicSubscribe(Self, subscriber, active));
        else Sender.Tell(new Subscribed(active));
    }

    private void OnSubscribeFrames(SubscribeFrames m)
    {
        const string op = "subscribe-frames";
        if (_nic is null) { Fail(Errno.EBADFD, op); return; }
        if (_nicRemoved) { Fail(Errno.EIO, op); return; }
        if (!_nonBlocking || PacketInfo) { Fail(Errno.EINVAL, op); return; }
        _nic.Forward(new NicPushSubscribe(Self, m.Target, m.Port, m.Active));
    }

    private void OnRead(int maxFrames, bool batch)
    {
        var op = batch ? "read-batch" : "read";
        if (maxFrames < 1) { Fail(Errno.EINVAL, op); return; }
        if (_nic is null) { Fail(Errno.EBADFD, op); return; }
        // gVisor's Read does not check attachment: a removed NIC's queue is closed, so there is nothing to read; a
        // blocking read would wait forever, so it fails as Linux wakes a reader whose device went away (EFAULT).
        if (_nicRemoved) { Fail(_nonBlocking ? Errno.EAGAIN : Errno.EFAULT, op); return; }
        // Sent as the file: a read the NIC parks is answered EBADF when this file detaches.
        _nic.Tell(new NicDequeue(Sender, PacketInfo, maxFrames, batch, Block: !_nonBlocking), Self);
    }

    private void OnWrite(Write m)
    {
        var errno = Check(m.Frame.Length);
        if (errno != Errno.None) { Fail(errno, "write"); return; }
        // Reply first, then forward: the writer hears Written before anything the frame sets off can reach it.
        if (!m.Quiet) Sender.Tell(new Written(m.Frame.Length));
        // The writer is the sender: should the NIC stop before taking the frame, the writer hears FramesLost (LostFrames).
        if (Strip(m.Frame, out var frame)) _nic!.Tell(new NicInbound(frame.Protocol, frame.Frame), Sender);
    }

    private void OnWriteBatch(WriteBatch m)
    {
        var accepted = new List<ProtocolFrame>(m.Frames.Count);
        long bytes = 0;
        var frames = 0;
        var stoppedBy = Errno.None;
        foreach (var raw in m.Frames)
        {
            var errno = Check(raw.Length);
            if (errno != Errno.None) { stoppedBy = errno; break; }
            if (Strip(raw, out var frame)) accepted.Add(frame);
            frames++;
            bytes += raw.Length;
        }
        // sendmmsg semantics: an error on the first frame is the call's error; a later one ends the batch early.
        if (frames == 0 && stoppedBy != Errno.None) { Fail(stoppedBy, "write-batch"); return; }
        Sender.Tell(new BatchWritten(frames, bytes, stoppedBy));
        if (accepted.Count > 0) _nic!.Tell(new NicInboundBatch(accepted), Sender);
    }

    /// <summary>The errno a write of <paramref name="length"/> bytes fails with, in the device's order of checks.</summary>
    private Errno Check(int length)
    {
        if (length == 0) return Errno.EINVAL;
        if (_nic is null) return Errno.EBADFD;
        if (_nicRemoved) return Errno.EIO;
        return WriteRules.CheckSize(length, _info!, PacketInfo);
    }

    /// <summary>The frame without its PI header, with its protocol; false when it is ignored (counted by the NIC).</summary>
    private bool Strip(ReadOnlyMemory<byte> raw, out ProtocolFrame frame)
    {
        if (WriteRules.TryStrip(raw, PacketInfo, _info!.IsTap, out frame, out var ignoredBecause)) return true;
        Ignore(ignoredBecause, raw.Length);
        return false;
    }

    private void Ignore(string reason, int length) => _nic!.Tell(new NicInboundIgnored(reason, length));
}
