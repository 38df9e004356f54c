using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Stack;

namespace NetSim.Scenario.Running;

/// <summary>
/// A <c>tcp-echo</c> step: listens on a port of a host, accepts every connection and writes back what it reads
/// (one receive, then its send, so a slow reader at the peer stops the echo and nothing is buffered without bound);
/// at the peer's end of stream it closes its side. Serves real clients through a bridge as well as simulated ones.
/// </summary>
internal sealed class TcpEchoActor : UntypedActor
{
    private const int ReceiveSize = 64 * 1024;
    private readonly IActorRef _host;
    private readonly ushort _port;
    private int _listener;

    public TcpEchoActor(IActorRef host, ushort port) => (_host, _port) = (host, port);

    public static Props Props(IActorRef host, ushort port) =>
        Akka.Actor.Props.Create(() => new TcpEchoActor(host, port)).WithSimDispatcher();

    protected override void PreStart() => _host.Tell(new TcpListen(_port));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case TcpListening l:
                _listener = l.Socket;
                _host.Tell(new TcpAccept(_listener));
                break;
            case TcpAccepted a:
                _host.Tell(new TcpReceive(a.Socket, ReceiveSize));
                _host.Tell(new TcpAccept(_listener)); // the next connection
                break;
            case TcpReceived { Data.Length: 0 } end:
                _host.Tell(new TcpClose(end.Socket));
                break;
            case TcpReceived r:
                _host.Tell(new TcpSend(r.Socket, r.Data));
                break;
            case TcpSent s:
                _host.Tell(new TcpReceive(s.Socket, ReceiveSize));
                break;
            case TcpDone:
            case OperationFailed: // a peer that resets its connection ends only that connection
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
