using MessagePack;
using NetSim.Protocol.Wire;

// TCP sockets on a StackActor, as an application uses them: listen, accept, connect, send, receive, shutdown, close.
// Every request has exactly one reply: its success record, or OperationFailed with the errno Linux would give.
// Accept, connect, send and receive behave as blocking socket calls: the reply waits until the call can complete,
// so an application that waits for each reply is flow-controlled end to end (a slow reader stops the sender).
namespace NetSim.Protocol.Stack;

/// <summary>listen(): accepts connections to <paramref name="Port"/> on every address. Replies <see cref="TcpListening"/> or <see cref="OperationFailed"/> (EADDRINUSE, EINVAL).</summary>
[MessagePackObject]
public sealed record TcpListen([property: Key(0)] ushort Port, [property: Key(1)] int Backlog = 0) : INetSimMessage;

/// <summary>Reply to <see cref="TcpListen"/>: the listening socket.</summary>
[MessagePackObject]
public sealed record TcpListening([property: Key(0)] int Socket, [property: Key(1)] ushort Port) : INetSimMessage;

/// <summary>accept(): replies <see cref="TcpAccepted"/> when a connection is established (waiting for one if need be), or <see cref="OperationFailed"/> (EBADF, EINVAL; ECONNABORTED when the listener closes first).</summary>
[MessagePackObject]
public sealed record TcpAccept([property: Key(0)] int Listener) : INetSimMessage;

/// <summary>Reply to <see cref="TcpAccept"/>: the new connection's socket and its peer.</summary>
[MessagePackObject]
public sealed record TcpAccepted([property: Key(0)] int Socket, [property: Key(1)] IpAddress RemoteAddress, [property: Key(2)] ushort RemotePort) : INetSimMessage;

/// <summary>
/// connect(): replies <see cref="TcpConnected"/> once the handshake completes, or <see cref="OperationFailed"/>:
/// ECONNREFUSED (RST or ICMP port unreachable), ETIMEDOUT (no answer to any SYN), EHOSTUNREACH / ENETUNREACH
/// (ICMP errors, reported when the SYNs run out, or at once without a route), EADDRINUSE, EINVAL.
/// <paramref name="CongestionControl"/> picks the algorithm for this connection ("cubic", "newreno", ...); null keeps the host's.
/// </summary>
[MessagePackObject]
public sealed record TcpConnect(
    [property: Key(0)] IpAddress Destination,
    [property: Key(1)] ushort Port,
    [property: Key(2)] string? CongestionControl = null,
    [property: Key(3)] ushort LocalPort = 0) : INetSimMessage;

/// <summary>Reply to <see cref="TcpConnect"/>: the connected socket and its local endpoint.</summary>
[MessagePackObject]
public sealed record TcpConnected([property: Key(0)] int Socket, [property: Key(1)] IpAddress LocalAddress, [property: Key(2)] ushort LocalPort) : INetSimMessage;

/// <summary>
/// send(): replies <see cref="TcpSent"/> once every byte is in the send buffer (waiting while it is full), or
/// <see cref="OperationFailed"/> (EPIPE after shutdown, ECONNRESET / ETIMEDOUT when the connection failed, EBADF).
/// </summary>
[MessagePackObject]
public sealed record TcpSend([property: Key(0)] int Socket, [property: Key(1)] ReadOnlyMemory<byte> Data) : INetSimMessage;

/// <summary>Reply to <see cref="TcpSend"/>.</summary>
[MessagePackObject]
public sealed record TcpSent([property: Key(0)] int Socket, [property: Key(1)] int Bytes) : INetSimMessage;

/// <summary>
/// recv(): replies <see cref="TcpReceived"/> with 1 to <paramref name="MaxBytes"/> bytes once there are any (waiting
/// otherwise), with no bytes at end of stream, or <see cref="OperationFailed"/> (ECONNRESET, ETIMEDOUT, EBADF, EINVAL).
/// </summary>
[MessagePackObject]
public sealed record TcpReceive([property: Key(0)] int Socket, [property: Key(1)] int MaxBytes = 65536) : INetSimMessage;

/// <summary>Reply to <see cref="TcpReceive"/>: empty data means the peer shut down and everything was read.</summary>
[MessagePackObject]
public sealed record TcpReceived([property: Key(0)] int Socket, [property: Key(1)] ReadOnlyMemory<byte> Data) : INetSimMessage;

/// <summary>shutdown(SHUT_WR): a FIN after the queued data; receiving goes on. Replies <see cref="TcpDone"/> or <see cref="OperationFailed"/> (ENOTCONN, EBADF).</summary>
[MessagePackObject]
public sealed record TcpShutdown([property: Key(0)] int Socket) : INetSimMessage;

/// <summary>close(): releases the socket (a connection finishes on its own; unread data makes it a reset). Replies <see cref="TcpDone"/> or <see cref="OperationFailed"/> EBADF.</summary>
[MessagePackObject]
public sealed record TcpClose([property: Key(0)] int Socket) : INetSimMessage;

/// <summary>Reply to <see cref="TcpShutdown"/> and <see cref="TcpClose"/>.</summary>
[MessagePackObject]
public sealed record TcpDone([property: Key(0)] int Socket, [property: Key(1)] string What) : INetSimMessage;

/// <summary>Asks for a connection's numbers. Replies <see cref="TcpInfoReply"/> or <see cref="OperationFailed"/> EBADF.</summary>
[MessagePackObject]
public sealed record GetTcpInfo([property: Key(0)] int Socket) : INetSimMessage;

/// <summary>A connection's numbers (Linux's tcp_info, in the units a report shows).</summary>
[MessagePackObject]
public sealed record TcpInfoReply(
    [property: Key(0)] int Socket,
    [property: Key(1)] string State,
    [property: Key(2)] string CongestionControl,
    [property: Key(3)] long BytesAcked,
    [property: Key(4)] long BytesReceived,
    [property: Key(5)] TimeSpan ConnectTime,
    [property: Key(6)] long RetransmittedSegments,
    [property: Key(7)] long Timeouts,
    [property: Key(8)] long FastRetransmits,
    [property: Key(9)] long SackRecoveries,
    [property: Key(10)] TimeSpan SRtt,
    [property: Key(11)] TimeSpan MinRtt,
    [property: Key(12)] int Cwnd,
    [property: Key(13)] int Mss,
    [property: Key(14)] long SegmentsSent,
    [property: Key(15)] Errno Error) : INetSimMessage;
