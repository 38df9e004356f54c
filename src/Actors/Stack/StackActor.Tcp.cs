using Akka.Actor;
using NetSim.Network.Tcp;
using NetSim.Protocol;
using NetSim.Protocol.Stack;

namespace NetSim.Actors.Stack;

// The TCP half of the StackActor: socket requests from applications, each answered once. Requests that cannot
// complete yet (accept with nothing queued, connect in progress, send into a full buffer, receive with nothing to
// read) wait here and are retried when the HostStack says their socket changed.
public sealed partial class StackActor
{
    private Dictionary<int, PendingTcp>? _tcpWaitingTable; // made on the host's first TCP request: most hosts never make one
    private Dictionary<int, PendingTcp> _tcpWaiting => _tcpWaitingTable ??= [];

    /// <summary>What waits on one socket: at most one of each kind, as a blocking call holds its thread.</summary>
    private sealed class PendingTcp
    {
        public (IActorRef ReplyTo, TcpAccept Request)? Accept;
        public IActorRef? Connect;
        public (IActorRef ReplyTo, TcpSend Request, int Done)? Send;
        public (IActorRef ReplyTo, TcpReceive Request)? Receive;
        public bool IsEmpty => Accept is null && Connect is null && Send is null && Receive is null;
    }

    private bool OnTcpMessage(object message)
    {
        switch (message)
        {
            case TcpListen m:
                var listenError = _host.TcpListen(m.Port, out int listener, m.Backlog);
                if (listenError != Errno.None) TcpFail(Sender, listenError, "tcp-listen", $"port {m.Port}");
                else Sender.Tell(new TcpListening(listener, m.Port));
                return true;
            case TcpAccept m:
                if (Waiting(m.Listener).Accept is not null) { TcpFail(Sender, Errno.EINVAL, "tcp-accept", "an accept is already waiting"); return true; }
                Waiting(m.Listener).Accept = (Sender, m);
                RetryTcp(m.Listener);
                return true;
            case TcpConnect m:
                var config = m.CongestionControl is { } cc ? _host.Options.Tcp with { CongestionControl = cc } : null;
                try { config?.Validate(); }
                catch (ArgumentException e) { TcpFail(Sender, Errno.EINVAL, "tcp-connect", e.Message); return true; }
                var connectError = _host.TcpConnect(m.Destination, m.Port, Now, out int socket, m.LocalPort, config);
                if (connectError != Errno.None) { TcpFail(Sender, connectError, "tcp-connect", $"{m.Destination} port {m.Port}"); return true; }
                Waiting(socket).Connect = Sender;
                RetryTcp(socket);
                return true;
            case TcpSend m:
                if (Waiting(m.Socket).Send is not null) { TcpFail(Sender, Errno.EINVAL, "tcp-send", "a send is already waiting"); return true; }
                Waiting(m.Socket).Send = (Sender, m, 0);
                RetryTcp(m.Socket);
                return true;
            case TcpReceive m:
                if (m.MaxBytes < 1) { TcpFail(Sender, Errno.EINVAL, "tcp-receive", $"max bytes {m.MaxBytes}"); return true; }
                if (Waiting(m.Socket).Receive is not null) { TcpFail(Sender, Errno.EINVAL, "tcp-receive", "a receive is already waiting"); return true; }
                Waiting(m.Socket).Receive = (Sender, m);
                RetryTcp(m.Socket);
                return true;
            case TcpShutdown m:
                var shutdownError = _host.TcpShutdown(m.Socket, Now);
                if (shutdownError != Errno.None) TcpFail(Sender, shutdownError, "tcp-shutdown", $"socket {m.Socket}");
                else Sender.Tell(new TcpDone(m.Socket, "shutdown"));
                return true;
            case TcpClose m:
                var closeError = _host.TcpClose(m.Socket, Now);
                if (closeError != Errno.None) { TcpFail(Sender, closeError, "tcp-close", $"socket {m.Socket}"); return true; }
                Sender.Tell(new TcpDone(m.Socket, "close"));
                // Calls still waiting on a closed socket fail as they would on Linux when another thread closes it.
                if (_tcpWaitingTable is not null && _tcpWaitingTable.Remove(m.Socket, out var orphaned)) FailAll(orphaned, m.Socket, Errno.EBADF);
                return true;
            case GetTcpInfo m:
                if (_host.TcpInfo(m.Socket) is not { } info) { TcpFail(Sender, Errno.EBADF, "tcp-info", $"socket {m.Socket}"); return true; }
                Sender.Tell(new TcpInfoReply(m.Socket, info.State.ToString(), info.CongestionControl, info.BytesAcked, info.BytesReceived,
                    info.ConnectTime ?? TimeSpan.Zero, info.RetransmittedSegments, info.Timeouts, info.FastRetransmits, info.SackRecoveries,
                    info.SRtt, info.MinRtt, info.Cwnd, info.Mss, info.SegmentsSent, info.Error));
                return true;
            default:
                return false;
        }
    }

    private PendingTcp Waiting(int socket)
    {
        if (!_tcpWaiting.TryGetValue(socket, out var pending)) _tcpWaiting[socket] = pending = new PendingTcp();
        return pending;
    }

    private void TcpFail(IActorRef replyTo, Errno errno, string operation, string detail) =>
        replyTo.Tell(new OperationFailed(errno, operation, detail));

    /// <summary>The HostStack reports a change on a socket: whatever waits there may complete now.</summary>
    private void OnTcpSocketChanged(int socket)
    {
        if (_tcpWaitingTable?.ContainsKey(socket) == true) _tcpRetry.Add(socket);
    }

    private HashSet<int>? _tcpRetrySet; // made on first use, as _tcpWaiting
    private HashSet<int> _tcpRetry => _tcpRetrySet ??= [];

    /// <summary>Retries the sockets that changed during the last message (called once the stack call has returned).</summary>
    private void RetryChangedTcpSockets()
    {
        while (_tcpRetrySet is { Count: > 0 } retry)
        {
            int socket = retry.First();
            retry.Remove(socket);
            RetryTcp(socket);
        }
    }

    /// <summary>Completes what can complete on a socket; leaves the rest waiting.</summary>
    private void RetryTcp(int socket)
    {
        if (_tcpWaitingTable is null || !_tcpWaitingTable.TryGetValue(socket, out var p)) return;
        var now = Now;
        if (p.Accept is { } accept)
        {
            var e = _host.TcpAccept(socket, out int accepted);
            if (e == Errno.None)
            {
                p.Accept = null;
                var c = _host.TcpConnectionOf(accepted)!;
                accept.ReplyTo.Tell(new TcpAccepted(accepted, c.Remote.Address, c.Remote.Port));
            }
            else if (e != Errno.EAGAIN)
            {
                p.Accept = null;
                TcpFail(accept.ReplyTo, e, "tcp-accept", $"socket {socket}");
            }
        }
        var connection = _host.TcpConnectionOf(socket);
        if (p.Connect is { } connectTo && connection is not null)
        {
            if (connection.IsSynchronized)
            {
                p.Connect = null;
                connectTo.Tell(new TcpConnected(socket, connection.Local.Address, connection.Local.Port));
            }
            else if (connection.State == TcpState.Closed)
            {
                p.Connect = null;
                var error = connection.Error != Errno.None ? connection.Error : Errno.ECONNREFUSED;
                TcpFail(connectTo, error, "tcp-connect", $"{connection.Remote}");
                _host.TcpClose(socket, now); // a failed connect leaves nothing behind for the caller to close
            }
        }
        if (p.Send is { } send)
        {
            var data = send.Request.Data.Span[send.Done..];
            int written = 0;
            var e = connection is null ? Errno.EBADF : _host.TcpSend(socket, data, now, out written);
            if (e == Errno.None || e == Errno.EAGAIN)
            {
                if (connection is not null && e == Errno.None) send.Done += written;
                if (send.Done == send.Request.Data.Length)
                {
                    p.Send = null;
                    send.ReplyTo.Tell(new TcpSent(socket, send.Done));
                }
                else p.Send = send;
            }
            else if (!(connection is { State: TcpState.SynSent or TcpState.SynReceived }))
            {
                p.Send = null;
                TcpFail(send.ReplyTo, e, "tcp-send", $"socket {socket}");
            }
        }
        if (p.Receive is { } receive)
        {
            var buffer = new byte[Math.Min(receive.Request.MaxBytes, Math.Max(connection?.Readable ?? 0, 1))];
            int read = 0;
            var e = connection is null ? Errno.EBADF : _host.TcpReceive(socket, buffer, now, out read);
            if (e == Errno.None)
            {
                p.Receive = null;
                receive.ReplyTo.Tell(new TcpReceived(socket, buffer.AsMemory(0, read)));
            }
            else if (e != Errno.EAGAIN)
            {
                p.Receive = null;
                TcpFail(receive.ReplyTo, e, "tcp-receive", $"socket {socket}");
            }
        }
        if (p.IsEmpty) _tcpWaiting.Remove(socket);
    }

    private void FailAll(PendingTcp p, int socket, Errno errno)
    {
        if (p.Accept is { } a) TcpFail(a.ReplyTo, errno == Errno.EBADF ? Errno.ECONNABORTED : errno, "tcp-accept", $"socket {socket}");
        if (p.Connect is { } c) TcpFail(c, errno, "tcp-connect", $"socket {socket}");
        if (p.Send is { } s) TcpFail(s.ReplyTo, errno, "tcp-send", $"socket {socket}");
        if (p.Receive is { } r) TcpFail(r.ReplyTo, errno, "tcp-receive", $"socket {socket}");
    }
}
