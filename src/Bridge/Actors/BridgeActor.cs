using Akka.Actor;
using NetSim.Actors.Links;
using NetSim.Actors.Time;
using NetSim.Bridge.Kernel;
using NetSim.Protocol;
using NetSim.Protocol.Bridge;
using NetSim.Protocol.Capture;
using NetSim.Protocol.Links;

namespace NetSim.Bridge.Actors;

/// <summary>
/// A cable from a simulated NIC to a real kernel TUN/TAP device: a <see cref="PortActor"/> (a device file attached
/// to the NIC, as a link end is) on one side and a <see cref="KernelPortActor"/> on the other. What the simulated
/// stack sends out of the NIC is written into the kernel device; what the kernel sends out of its device enters the
/// simulated stack through the NIC. Tells its creator LinkReady / LinkFailed like a link; answers
/// <see cref="GetBridgeCounters"/> and <see cref="CaptureNic"/> through its kernel port.
/// (A bridge onto a switch needs no BridgeActor: the kernel port is one more port of the switch.)
/// </summary>
public sealed class BridgeActor : UntypedActor
{
    private const int NicPort = 0, KernelPort = 1;
    private readonly string _name;
    private readonly NicEndpoint _nic;
    private readonly KernelTunDevice _device;
    private readonly IActorRef? _creator;
    private readonly IActorRef[] _ports = new IActorRef[2];
    private int _attached;

    public BridgeActor(string name, NicEndpoint nic, KernelTunDevice device, IActorRef? creator)
    {
        _name = name;
        _nic = nic;
        _device = device;
        _creator = creator;
    }

    public static Props Props(string name, NicEndpoint nic, KernelTunDevice device, IActorRef? creator = null) =>
        Akka.Actor.Props.Create(() => new BridgeActor(name, nic, device, creator)).WithSimDispatcher();

    protected override void PreStart()
    {
        if (_nic.IsTap != _device.IsTap)
            throw new ArgumentException($"bridge {_name}: {_nic} is {Kind(_nic.IsTap)} but {_device.Name} is {Kind(_device.IsTap)}");
        _ports[NicPort] = Context.ActorOf(PortActor.Props(NicPort, _nic, Self), "nic");
        _ports[KernelPort] = Context.ActorOf(KernelPortActor.Props(KernelPort, _device, Self, _name), "kernel");
    }

    private static string Kind(bool tap) => tap ? "tap" : "tun";

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PortFrames m:
                _ports[1 - m.Port].Tell(new PortWriteBatch(m.Frames)); // one message a batch, both ways
                break;
            case PortWriteFailed { Port: NicPort } m:
                // A frame from the kernel the simulated NIC refused (EMSGSIZE: larger than its MTU; EIO: it is gone).
                _ports[KernelPort].Tell(new KernelPortActor.CountDrop("to-sim:" + m.Reason, m.Frames));
                break;
            case PortWriteFailed:
                break; // the kernel port counted its own failed write
            case PortAttached m:
                if (m.Errno != Errno.None) _creator?.Tell(new LinkFailed(_name, m.Port == NicPort ? _nic.ToString() : _device.Name, m.Errno));
                else if (++_attached == 2) _creator?.Tell(new LinkReady(_name));
                break;
            case GetBridgeCounters or CaptureNic:
                _ports[KernelPort].Forward(message);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
