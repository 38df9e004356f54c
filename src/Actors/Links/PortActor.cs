using NetSim.Actors.Time;
using Akka.Actor;
using NetSim.Actors.Device;
using NetSim.Actors.Nic;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Links;

namespace NetSim.Actors.Links;

/// <summary>Where a link or switch port plugs in: a NIC by name on a host.</summary>
public sealed record NicEndpoint(IActorRef Host, string HostName, string Nic, bool IsTap)
{
    public override string ToString() => $"{HostName}.{Nic}";
}

/// <summary>
/// One end of a link or one port of a switch: the process that holds a /dev/net/tun file attached to a host's NIC
/// (../shared/DESIGN.md section 1). It reads whatever the stack queues on that NIC (on each readiness
/// notification, in batches until EAGAIN) and hands it to its owner, and writes what the owner gives it into the NIC.
/// The file is its child: when the port stops, the file closes and its NIC reference goes with it.
/// </summary>
public sealed class PortActor : UntypedActor
{
    private const int ReadBatchSize = 64;
    private readonly int _index;
    private readonly NicEndpoint _endpoint;
    private readonly IActorRef _owner;
    private IActorRef _file = ActorRefs.Nobody;
    private bool _reading;
    private bool _fileClosed;                // the file was closed under us (the host's NIC went away)
    private readonly ReadBatch _readBatch = new(ReadBatchSize);
    private readonly Queue<int> _batchesInFlight = new(); // sizes of WriteBatches not yet answered, in order

    public PortActor(int index, NicEndpoint endpoint, IActorRef owner)
    {
        _index = index;
        _endpoint = endpoint;
        _owner = owner;
    }

    public static Props Props(int index, NicEndpoint endpoint, IActorRef owner) =>
        Akka.Actor.Props.Create(typeof(PortActor), index, endpoint, owner).WithSimDispatcher();

    protected override void PreStart()
    {
        _file = Context.ActorOf(DeviceActor.Props(_endpoint.Host, netAdmin: true), "file");
        Context.Watch(_file);
        // No PI: a port moves whole link-layer frames, and the protocol travels inside them (Ethernet type / IP version).
        _file.Tell(new Attach(_endpoint.Nic, (_endpoint.IsTap ? TunFlags.Tap : TunFlags.Tun) | TunFlags.NoPacketInfo));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortWrite m:
                // A closed file cannot take the frame: the owner counts it as dropped rather than losing it.
                if (_fileClosed) _owner.Tell(new PortWriteFailed(_index, LostFrames.FileClosed));
                else _file.Tell(new Write(m.Frame));
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
            case Terminated t when t.ActorRef.Equals(_file):
                _fileClosed = true;
                break;
            case PacketBatch m:
                _owner.Tell(new PortFrames(_index, m.Frames));
                _file.Tell(_readBatch); // keep reading until EAGAIN: notifications are edge-triggered
                break;
            case Readable:
                if (!_reading) { _reading = true; _file.Tell(_readBatch); }
                break;
            case Written:
                break;
            case OperationFailed { Errno: Errno.EAGAIN }:
                _reading = false;
                break;
            case OperationFailed { Operation: "write" } e:
                _owner.Tell(new PortWriteFailed(_index, WireCounter.WriteFailure(e.Errno)));
                break;
            case FramesLost m: // written, but the NIC stopped before taking them (or the file closed first)
                _owner.Tell(new PortWriteFailed(_index, m.Reason, m.Frames));
                break;
            case Attached a:
                _file.Tell(new SubscribeReadable(Self));
                _owner.Tell(new PortAttached(_index, a.Mtu, Errno.None));
                break;
            case OperationFailed { Operation: "attach" } e:
                _owner.Tell(new PortAttached(_index, 0, e.Errno));
                break;
            case Subscribed:
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
