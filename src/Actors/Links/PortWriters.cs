using Akka.Actor;
using NetSim.Protocol.Links;
using NetSim.Protocol.Nic;

namespace NetSim.Actors.Links;

/// <summary>
/// How a link or switch writes a frame out of each of its <paramref name="ports"/>: straight into the NIC the port's
/// file is attached to once the port handed it over (<see cref="PortAttached"/>), as a <see cref="NicWrite"/> sent
/// for the port, so that a refusal or a NIC gone comes back through the port as <see cref="PortWriteFailed"/>; and
/// through the port (<see cref="PortWrite"/>) before that, after <see cref="PortClosed"/>, and for ports that are no
/// NIC's (a bridge's kernel device). The owner fills <paramref name="ports"/> as it starts them.
/// </summary>
internal sealed class PortWriters(IActorRef[] ports)
{
    private readonly IActorRef?[] _nics = new IActorRef?[ports.Length];

    public void Attached(PortAttached m) => _nics[m.Port] = m.Nic;

    public void Closed(PortClosed m) => _nics[m.Port] = null;

    public void Write(int port, ReadOnlyMemory<byte> frame)
    {
        if (_nics[port] is { } nic) nic.Tell(new NicWrite(frame), ports[port]);
        else ports[port].Tell(new PortWrite(frame));
    }
}
