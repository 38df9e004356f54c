using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Nic;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;

namespace NetSim.Actors.Links;

/// <summary>Where a link or switch port plugs in: a NIC by name on a host.</summary>
public sealed record NicEndpoint(IActorRef Host, string HostName, string Nic, bool IsTap)
{
    /// <summary>host.nic, as scenario files name it.</summary>
    public override string ToString() => $"{HostName}.{Nic}";
}

/// <summary>
/// One end of a link or one port of a switch: the process that holds a /dev/net/tun file attached to a host's NIC
/// (docs/design.md, "Architecture"). It attaches its file and subscribes the owner to the NIC's frames in one
/// request (<see cref="AttachPort"/>: direct push, as <see cref="SubscribeFrames"/>): whatever the stack queues on that NIC goes to the owner as PortFrames without
/// passing through the port. It writes what the owner gives it into the NIC, hearing back only failures.
/// An owner that asks for direct writes (a link, a switch) is handed the NIC in <see cref="PortAttached"/> and writes
/// into it itself (<see cref="NicWrite"/> with this port as the sender): frames then pass the port only when they fail,
/// and the port tells the owner <see cref="PortClosed"/> when its file closes, after which the owner writes here again.
/// The file is its child: when the port stops, the file closes and its NIC reference goes with it.
/// </summary>
public sealed class PortActor : UntypedActor
{
    private readonly int _index;
    private readonly NicEndpoint _endpoint;
    private readonly IActorRef _owner;
    private readonly bool _directWrites;     // the owner writes into the NIC itself once it knows it
    private IActorRef _file = ActorRefs.Nobody;
    private bool _fileClosed;                // the file was closed under us (the host's NIC went away)
    private IActorRef? _nic;                 // the NIC the file is attached to: writes go straight to it
    private readonly Queue<int> _batchesInFlight = new(); // sizes of WriteBatches not yet answered, in order

    /// <summary>Port <paramref name="index"/> of <paramref name="owner"/>, on <paramref name="endpoint"/>; use <see cref="Props"/>.</summary>
    public PortActor(int index, NicEndpoint endpoint, IActorRef owner, bool directWrites)
    {
        _index = index;
        _endpoint = endpoint;
        _owner = owner;
        _directWrites = directWrites;
    }

    /// <summary>
    /// A port that reports to <paramref name="owner"/> as port <paramref name="index"/>; it opens its own non-blocking
    /// file on <paramref name="endpoint"/>. <paramref name="directWrites"/>: the owner takes the NIC from
    /// <see cref="PortAttached"/> and writes into it itself, hearing <see cref="PortClosed"/> when the file closes.
    /// </summary>
    public static Props Props(int index, NicEndpoint endpoint, IActorRef owner, bool directWrites = false) =>
        SimDispatcher.Props<PortActor>(SimDispatcher.Boxed(index), endpoint, owner, SimDispatcher.Boxed(directWrites));

    /// <inheritdoc />
    protected override void PreStart()
    {
        // Non-blocking: the port reads on readiness until EAGAIN (an epoll loop), never parking a read in the NIC.
        // The file tells us when it stops (FileStopped): no DeathWatch, whose state costs both actors memory.
        _file = Context.ActorOf(DeviceActor.Props(_endpoint.Host, netAdmin: true, nonBlocking: true, tellParentWhenStopped: true), "file");
        // No PI: a port moves whole link-layer frames, and the protocol travels inside them (Ethernet type / IP version).
        // Direct push in the same request: the NIC hands what it queues straight to the owner as PortFrames, instead
        // of a Readable -> ReadBatch -> PacketBatch round trip through this port and its file per batch.
        _file.Tell(new AttachPort(_endpoint.Nic, (_endpoint.IsTap ? TunFlags.Tap : TunFlags.Tun) | TunFlags.NoPacketInfo, _owner, _index));
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortWrite m:
                // A closed file cannot take the frame: the owner counts it as dropped rather than losing it.
                if (_fileClosed) _owner.Tell(new PortWriteFailed(_index, LostFrames.FileClosed));
                else if (_nic is not null) _nic.Tell(new NicWrite(m.Frame)); // the NIC checks it as the file would
                else _file.Tell(new Write(m.Frame, Quiet: true)); // no Written: only a failure comes back
                break;
            case PortWriteBatch m:
                if (_fileClosed) _owner.Tell(new PortWriteFailed(_index, LostFrames.FileClosed, m.Frames.Count));
                else { _batchesInFlight.Enqueue(m.Frames.Count); _file.Tell(new WriteBatch(m.Frames)); }
                break;
            case BatchWritten m:
                // sendmmsg semantics: the batch stopped at its first refused frame; the rest were not written either.
                var refused = _batchesInFlight.Dequeue() - m.Frames;
                if (refused > 0) _owner.Tell(new PortWriteFailed(_index, WireCounter.WriteFailure(m.Error), refused));
                break;
            case OperationFailed { Operation: "write-batch" } e:
                _owner.Tell(new PortWriteFailed(_index, WireCounter.WriteFailure(e.Errno), _batchesInFlight.Dequeue()));
                break;
            case FileStopped when Sender.Equals(_file):
                _fileClosed = true;
                if (_directWrites && _nic is not null) _owner.Tell(new PortClosed(_index)); // writes come here again
                break;
            case OperationFailed { Operation: "write" } e:
                _owner.Tell(new PortWriteFailed(_index, WireCounter.WriteFailure(e.Errno)));
                break;
            case FramesLost m: // written, but the NIC stopped before taking them (or the file closed first)
                _owner.Tell(new PortWriteFailed(_index, m.Reason, m.Frames));
                break;
            case PortFileAttached a:
                // Direct writes: the attachment authorises this port to hand frames to the NIC itself (NicWrite). The
                // owner hears PortAttached once that path is in place, so a link's frames never take both paths.
                _nic = a.Nic;
                _owner.Tell(new PortAttached(_index, a.Attached.Mtu, Errno.None, _directWrites && !_fileClosed ? _nic : null));
                break;
            case OperationFailed { Operation: "attach" } e:
                _owner.Tell(new PortAttached(_index, 0, e.Errno));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
