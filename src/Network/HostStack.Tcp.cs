using System.Buffers.Binary;
using NetSim.Network.Tcp;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

/// <summary>
/// TCP on the host: sockets (listeners and connections, by id), demultiplexing of segments to connections, RSTs for
/// segments nobody wants, ICMP errors to the connection they concern, and the connections' timers. The protocol
/// itself lives in <see cref="TcpConnection"/>; this file is the glue between it and IP.
/// </summary>
public sealed partial class HostStack
{
    private TcpSockets? _tcpSockets;
    /// <summary>The host's TCP tables, made on first use: most simulated hosts never open a TCP socket, and six empty
    /// collections cost about 500 bytes a host. Only paths that add to them use this; look-ups read <c>_tcpSockets</c>
    /// (<see cref="IsListener"/>, <see cref="TryGetOpenConnection"/>), so a segment or a call for no socket makes nothing.</summary>
    private TcpSockets Sockets => _tcpSockets ??= new();
    private int _nextTcpSocket = 1;

    /// <summary>TCP counters (netstat -s "Tcp:").</summary>
    public TcpCounters TcpCounters { get; } = new();

    private readonly record struct TcpFlowKey(IpAddress LocalAddress, ushort LocalPort, IpAddress RemoteAddress, ushort RemotePort);

    private sealed class TcpSockets
    {
        public readonly Dictionary<TcpFlowKey, TcpConnection> Flows = [];
        public readonly Dictionary<int, TcpConnection> Connections = [];
        public readonly Dictionary<int, TcpListener> ListenersById = [];
        public readonly Dictionary<ushort, TcpListener> ListenersByPort = [];
        public readonly Dictionary<ushort, int> PortUsers = [];
        public readonly List<TcpConnection> Due = [];
    }

    private sealed class TcpListener(int id, ushort port, int backlog)
    {
        public int Id { get; } = id;
        public ushort Port { get; } = port;
        public int Backlog { get; } = backlog;
        /// <summary>Connections still in the handshake.</summary>
        public int HalfOpen { get; set; }
        /// <summary>Established connections waiting for accept.</summary>
        public Queue<TcpConnection> Ready { get; } = new();
    }

    // ================================================================ application calls

    /// <summary>
    /// listen(): accepts connections to <paramref name="port"/> on every address of the host. EADDRINUSE when
    /// another listener has the port, EINVAL for port 0.
    /// </summary>
    public Errno TcpListen(ushort port, out int socket, int backlog = 0)
    {
        socket = 0;
        if (port == 0 || backlog < 0) return Errno.EINVAL;
        if (Sockets.ListenersByPort.ContainsKey(port)) return Errno.EADDRINUSE;
        var listener = new TcpListener(_nextTcpSocket++, port, backlog == 0 ? _options.Tcp.DefaultBacklog : backlog);
        Sockets.ListenersByPort.Add(port, listener);
        Sockets.ListenersById.Add(listener.Id, listener);
        UsePort(port);
        socket = listener.Id;
        return Errno.None;
    }

    /// <summary>accept(): the next established connection of a listener. EAGAIN when none is ready, EBADF/EINVAL for a bad socket.</summary>
    public Errno TcpAccept(int listenerSocket, out int socket)
    {
        socket = 0;
        if (_tcpSockets is not { } sockets || !sockets.ListenersById.TryGetValue(listenerSocket, out var listener))
            return _tcpSockets?.Connections.ContainsKey(listenerSocket) == true ? Errno.EINVAL : Errno.EBADF;
        if (!listener.Ready.TryDequeue(out var connection)) return Errno.EAGAIN;
        connection.ListenerId = 0;
        socket = connection.Id;
        return Errno.None;
    }

    /// <summary>
    /// connect(): starts an active open and returns the socket at once (the handshake's outcome arrives through
    /// <see cref="IHostStackEvents.TcpSocketChanged"/>: the state becomes Established, or Closed with
    /// <see cref="TcpConnectionInfo.Error"/> ECONNREFUSED, ETIMEDOUT or EHOSTUNREACH). Immediate errors: EINVAL,
    /// ENETUNREACH (no route), EADDRINUSE (no free local port). <paramref name="config"/> overrides the host's TCP settings.
    /// </summary>
    public Errno TcpConnect(IpAddress destination, ushort port, TimeSpan now, out int socket, ushort localPort = 0, TcpConfig? config = null)
    {
        socket = 0;
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            config ??= _options.Tcp;
            config.Validate();
            if (port == 0 || destination.IsUnspecified || destination.IsMulticast || (destination.IsV4 && destination.V4.IsBroadcast)) return Errno.EINVAL;
            if (!TrySelectTcpSource(destination, out var source, out int mss)) return Errno.ENETUNREACH;
            if (localPort == 0 && !TryPickEphemeralTcpPort(source, destination, port, out localPort)) return Errno.EADDRINUSE;
            var key = new TcpFlowKey(source, localPort, destination, port);
            if (_tcpSockets?.Flows.ContainsKey(key) == true) return Errno.EADDRINUSE;
            var connection = new TcpConnection(_nextTcpSocket++, config, new TcpEndpoint(source, localPort), new TcpEndpoint(destination, port),
                config.InitialSequenceNumber ?? (uint)RandomSource.NextInt64(0, 1L << 32), mss);
            AddConnection(key, connection);
            TcpCounters.ActiveOpens++;
            connection.Connect(now);
            socket = connection.Id;
            FlushTcp(connection, now);
            DrainLoopback(now);
            return Errno.None;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    /// <summary>
    /// send(): queues what fits in the send buffer and returns how much; EAGAIN when it is full (flow control: the
    /// peer's reader is behind), EPIPE after shutdown, the connection's error once it failed.
    /// </summary>
    public Errno TcpSend(int socket, ReadOnlySpan<byte> data, TimeSpan now, out int written)
    {
        written = 0;
        if (!TryGetOpenConnection(socket, out var connection)) return IsListener(socket) ? Errno.ENOTCONN : Errno.EBADF;
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            var result = connection.Send(data, out written);
            if (written > 0) FlushTcp(connection, now);
            DrainLoopback(now);
            return result;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    /// <summary>
    /// recv(): reads in-order bytes. 0 bytes with no error is end of stream (the peer shut down); EAGAIN when
    /// nothing is there yet; the connection's error once it failed. Reading may send a window update.
    /// </summary>
    public Errno TcpReceive(int socket, Span<byte> destination, TimeSpan now, out int read)
    {
        read = 0;
        if (!TryGetOpenConnection(socket, out var connection)) return IsListener(socket) ? Errno.ENOTCONN : Errno.EBADF;
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            var result = connection.Receive(destination, out read);
            if (read > 0) FlushTcp(connection, now);
            DrainLoopback(now);
            return result;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    /// <summary>shutdown(SHUT_WR): sends FIN after the queued data; reading stays possible (half-close).</summary>
    public Errno TcpShutdown(int socket, TimeSpan now)
    {
        if (!TryGetOpenConnection(socket, out var connection)) return IsListener(socket) ? Errno.ENOTCONN : Errno.EBADF;
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            var result = connection.Shutdown();
            FlushTcp(connection, now);
            AfterTcpChange(connection);
            DrainLoopback(now);
            return result;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    /// <summary>
    /// close(): releases the socket. A listener stops (its unaccepted connections are reset); a connection finishes
    /// its shutdown on its own (FIN, TIME_WAIT), or is reset when received data was left unread.
    /// </summary>
    public Errno TcpClose(int socket, TimeSpan now)
    {
        int depth = _handlerDepth;
        try
        {
            _lastNow = now;
            if (_tcpSockets is not { } sockets) return Errno.EBADF;
            if (sockets.ListenersById.Remove(socket, out var listener))
            {
                sockets.ListenersByPort.Remove(listener.Port);
                ReleasePort(listener.Port);
                foreach (var c in sockets.Connections.Values.Where(c => c.ListenerId == listener.Id).ToList())
                {
                    c.Close(now);
                    c.Abort(Errno.None);
                    FlushTcp(c, now);
                    AfterTcpChange(c);
                }
                DrainLoopback(now);
                return Errno.None;
            }
            if (!sockets.Connections.TryGetValue(socket, out var connection) || connection.IsReleased) return Errno.EBADF;
            connection.Close(now);
            FlushTcp(connection, now);
            AfterTcpChange(connection);
            DrainLoopback(now);
            return Errno.None;
        }
        catch (Exception) when (IsOwnFault(depth))
        {
            return Errno.EIO;
        }
    }

    /// <summary>A connection whose socket the application still holds (closed sockets are EBADF, as a closed fd is).</summary>
    private bool TryGetOpenConnection(int socket, out TcpConnection connection)
    {
        connection = null!;
        return _tcpSockets is { } sockets && sockets.Connections.TryGetValue(socket, out connection!) && !connection.IsReleased;
    }

    /// <summary>Whether <paramref name="socket"/> is a listener (ENOTCONN rather than EBADF for a connection call on it).</summary>
    private bool IsListener(int socket) => _tcpSockets?.ListenersById.ContainsKey(socket) == true;

    /// <summary>The numbers of a connection (state, bytes, retransmissions, RTT, cwnd); null for an unknown socket.</summary>
    public TcpConnectionInfo? TcpInfo(int socket) => TryGetOpenConnection(socket, out var c) ? c.Info : null;

    /// <summary>The connection behind a socket, for reading its state without a snapshot; null for an unknown socket.</summary>
    public TcpConnection? TcpConnectionOf(int socket) => TryGetOpenConnection(socket, out var c) ? c : null;

    /// <summary>Connections this host holds, TIME_WAIT and closed-but-not-released ones included.</summary>
    public int TcpConnectionCount => _tcpSockets?.Connections.Count ?? 0;

    /// <summary>Every connection the host holds, those the application already closed included (netstat's view).</summary>
    public IEnumerable<TcpConnection> TcpConnections => _tcpSockets?.Connections.Values ?? Enumerable.Empty<TcpConnection>();

    // ================================================================ segments in

    private void ReceiveTcpV4(Ipv4Header ip, bool toGroup, TimeSpan now)
    {
        var segment = ip.Payload;
        if (toGroup)
        {
            TcpCounters.InErrors++; // TCP is unicast only (RFC 1122 4.2.3.10)
            return;
        }
        if (!TcpHeader.Check(segment))
        {
            TcpCounters.InErrors++;
            return;
        }
        var tcp = TcpHeader.Parse(segment);
        if (!tcp.IsChecksumValidV4(ip.Source, ip.Destination))
        {
            TcpCounters.InChecksumErrors++;
            return;
        }
        ReceiveTcp(ip.Source, ip.Destination, tcp, now);
    }

    private void ReceiveTcpV6(Ipv6Header ip, ReadOnlySpan<byte> segment, bool toGroup, TimeSpan now)
    {
        if (toGroup || !TcpHeader.Check(segment))
        {
            TcpCounters.InErrors++;
            return;
        }
        var tcp = TcpHeader.Parse(segment);
        if (!tcp.IsChecksumValidV6(ip.Source, ip.Destination))
        {
            TcpCounters.InChecksumErrors++;
            return;
        }
        ReceiveTcp(ip.Source, ip.Destination, tcp, now);
    }

    private void ReceiveTcp(IpAddress source, IpAddress destination, TcpHeader tcp, TimeSpan now)
    {
        var c = TcpCounters;
        c.InSegments++;
        if (!tcp.TryReadOptions(out var options))
        {
            c.InErrors++;
            return;
        }
        var key = new TcpFlowKey(destination, tcp.DestinationPort, source, tcp.SourcePort);
        if (_tcpSockets?.Flows.TryGetValue(key, out var connection) == true)
        {
            var before = connection.State;
            connection.Process(tcp, options, now);
            if (tcp.Rst && connection.State == TcpState.Closed && before != TcpState.Closed) c.InResets++;
            FlushTcp(connection, now);
            AfterTcpChange(connection);
            return;
        }
        if (tcp.Rst) return; // RFC 9293 3.10.7.1: a reset for nothing is dropped
        if (_tcpSockets?.ListenersByPort.TryGetValue(tcp.DestinationPort, out var listener) == true && tcp.Syn && !tcp.Ack)
        {
            if (listener.HalfOpen + listener.Ready.Count >= listener.Backlog)
            {
                c.ListenOverflows++; // Linux drops the SYN; the client retries
                return;
            }
            if (!TrySelectTcpSource(source, out _, out int mss)) return;
            var passive = new TcpConnection(_nextTcpSocket++, _options.Tcp, new TcpEndpoint(destination, tcp.DestinationPort),
                new TcpEndpoint(source, tcp.SourcePort), _options.Tcp.InitialSequenceNumber ?? (uint)RandomSource.NextInt64(0, 1L << 32), mss)
            { ListenerId = listener.Id };
            AddConnection(key, passive);
            listener.HalfOpen++;
            c.PassiveOpens++;
            passive.AcceptSyn(tcp.SequenceNumber, tcp.Window, options, now);
            FlushTcp(passive, now);
            return;
        }
        if (tcp.Syn && !tcp.Ack) c.NoPorts++;
        // RFC 9293 3.10.7.1 (CLOSED): answer with a reset that the sender will accept.
        if (tcp.Ack) SendTcpReset(destination, source, tcp.DestinationPort, tcp.SourcePort, tcp.AcknowledgmentNumber, 0, false, now);
        else SendTcpReset(destination, source, tcp.DestinationPort, tcp.SourcePort, 0, tcp.SequenceNumber + (uint)tcp.SegmentLength, true, now);
    }

    // ================================================================ segments out

    /// <summary>Sends every segment the connection has planned.</summary>
    private void FlushTcp(TcpConnection connection, TimeSpan now)
    {
        // Bounded: a connection plans at most a window of segments; the guard only stops a bug from spinning.
        for (int guard = 0; guard < 100_000 && connection.TryDispatch(now, out var plan); guard++)
            EmitTcp(connection.Local, connection.Remote, plan, connection, now);
    }

    private void SendTcpReset(IpAddress local, IpAddress remote, ushort localPort, ushort remotePort, uint seq, uint ack, bool withAck, TimeSpan now)
    {
        var plan = new TcpSegmentPlan
        {
            Sequence = new SeqNumber(seq),
            Acknowledgment = new SeqNumber(ack),
            Flags = TcpFlags.Rst | (withAck ? TcpFlags.Ack : TcpFlags.None),
        };
        EmitTcp(new TcpEndpoint(local, localPort), new TcpEndpoint(remote, remotePort), plan, null, now);
    }

    private void EmitTcp(TcpEndpoint local, TcpEndpoint remote, in TcpSegmentPlan plan, TcpConnection? connection, TimeSpan now)
    {
        int headerLength = TcpHeader.MinLength + plan.Options.WireLength;
        int tcpLength = headerLength + plan.PayloadLength;
        bool v4 = remote.Address.IsV4;
        int ipHeader = v4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        int total = ipHeader + tcpLength;
        var buffer = Rent(total);
        try
        {
            var packet = buffer.AsSpan(Headroom, total);
            var segment = packet.Slice(ipHeader, tcpLength);
            TcpHeader.EmitHeader(segment, local.Port, remote.Port, plan.Sequence.Value, plan.Acknowledgment.Value, plan.Flags, plan.Window, plan.Options);
            if (plan.PayloadLength > 0) connection!.CopyPayload(plan, segment[headerLength..]);
            TcpCounters.OutSegments++;
            if ((plan.Flags & TcpFlags.Rst) != 0) TcpCounters.OutResets++;
            if (v4)
            {
                TcpHeader.FillChecksum(segment, TcpHeader.PseudoHeader(local.Address.V4, remote.Address.V4, tcpLength));
                // DF set, as Linux sets it on TCP (path MTU discovery); the MSS keeps segments within the route MTU.
                Ipv4Header.Emit(packet, local.Address.V4, remote.Address.V4, IpProtocol.Tcp, tcpLength, _options.DefaultTtl, NextIpId(), dontFragment: true);
                OutputIpv4Local(buffer, total, now);
            }
            else
            {
                TcpHeader.FillChecksum(segment, TcpHeader.PseudoHeader(local.Address.V6, remote.Address.V6, tcpLength));
                Ipv6Header.Emit(packet, local.Address.V6, remote.Address.V6, IpProtocol.Tcp, tcpLength, _options.DefaultHopLimit);
                OutputIpv6Local(buffer, total, now);
            }
        }
        finally
        {
            Return(buffer);
        }
    }

    // ================================================================ ICMP errors

    /// <summary>An ICMP error quoting a TCP segment of ours: find the connection by the quoted ports and tell it.</summary>
    private void TcpIcmpError(IpAddress originalSource, IpAddress originalDestination, ReadOnlySpan<byte> transport, Errno error)
    {
        // RFC 792 guarantees 8 bytes of the quoted transport header: ports and sequence number.
        if (transport.Length < 8 || error == Errno.None) return;
        var key = new TcpFlowKey(originalSource, BinaryPrimitives.ReadUInt16BigEndian(transport), originalDestination,
            BinaryPrimitives.ReadUInt16BigEndian(transport[2..]));
        if (_tcpSockets is not { } sockets || !sockets.Flows.TryGetValue(key, out var connection)) return;
        connection.OnIcmpError(error, new SeqNumber(BinaryPrimitives.ReadUInt32BigEndian(transport[4..])));
        AfterTcpChange(connection);
    }

    // ================================================================ timers

    /// <summary>The earliest deadline of any connection (a scan: hosts hold few connections).</summary>
    private TimeSpan? TcpNextDeadline()
    {
        TimeSpan? best = null;
        if (_tcpSockets is null) return best;
        foreach (var c in _tcpSockets.Connections.Values)
            if (c.NextDeadline is { } d && (best is null || d < best)) best = d;
        return best;
    }

    private void RunTcpTimers(TimeSpan now)
    {
        if (_tcpSockets is not { Connections.Count: > 0 } sockets) return;
        sockets.Due.Clear();
        foreach (var c in sockets.Connections.Values)
            if (c.NextDeadline <= now) sockets.Due.Add(c);
        foreach (var c in sockets.Due)
        {
            var before = c.State;
            c.OnTimer(now);
            if (c.State == TcpState.Closed && before != TcpState.Closed && c.Error == Errno.ETIMEDOUT) TcpCounters.Timeouts++;
            FlushTcp(c, now);
            AfterTcpChange(c);
        }
        sockets.Due.Clear();
    }

    // ================================================================ bookkeeping

    private void AddConnection(TcpFlowKey key, TcpConnection connection)
    {
        Sockets.Flows.Add(key, connection);
        Sockets.Connections.Add(connection.Id, connection);
        UsePort(key.LocalPort);
    }

    /// <summary>After anything happened to a connection: hand it to its listener, forget it when done, tell the owner.</summary>
    private void AfterTcpChange(TcpConnection connection)
    {
        if (connection.ListenerId != 0 && _tcpSockets?.ListenersById.TryGetValue(connection.ListenerId, out var listener) == true)
        {
            if (connection.IsSynchronized && !listener.Ready.Contains(connection))
            {
                listener.HalfOpen--;
                listener.Ready.Enqueue(connection);
                RaiseTcpSocketChanged(listener.Id);
            }
            else if (connection.State == TcpState.Closed)
            {
                // Reset or timed out before accept: it simply goes away (Linux drops it from the queue).
                if (!RemoveFromReady(listener, connection)) listener.HalfOpen--;
                RemoveConnection(connection, forget: true);
                return;
            }
        }
        if (connection.State == TcpState.Closed)
        {
            var key = new TcpFlowKey(connection.Local.Address, connection.Local.Port, connection.Remote.Address, connection.Remote.Port);
            if (Sockets.Flows.Remove(key)) ReleasePort(connection.Local.Port);
            if (connection.IsReleased) Sockets.Connections.Remove(connection.Id);
        }
        if (connection.Changed)
        {
            connection.Changed = false;
            if (!connection.IsReleased && connection.ListenerId == 0) RaiseTcpSocketChanged(connection.Id);
        }
    }

    private static bool RemoveFromReady(TcpListener listener, TcpConnection connection)
    {
        int n = listener.Ready.Count;
        bool found = false;
        for (int i = 0; i < n; i++)
        {
            var c = listener.Ready.Dequeue();
            if (ReferenceEquals(c, connection)) found = true;
            else listener.Ready.Enqueue(c);
        }
        return found;
    }

    private void RemoveConnection(TcpConnection connection, bool forget)
    {
        var key = new TcpFlowKey(connection.Local.Address, connection.Local.Port, connection.Remote.Address, connection.Remote.Port);
        if (Sockets.Flows.Remove(key)) ReleasePort(connection.Local.Port);
        if (forget) Sockets.Connections.Remove(connection.Id);
    }

    private void UsePort(ushort port) => Sockets.PortUsers[port] = Sockets.PortUsers.GetValueOrDefault(port) + 1;

    private void ReleasePort(ushort port)
    {
        if (Sockets.PortUsers.TryGetValue(port, out int n))
        {
            if (n <= 1) Sockets.PortUsers.Remove(port);
            else Sockets.PortUsers[port] = n - 1;
        }
    }

    /// <summary>A free ephemeral port: seeded random start in the range, then the next unused one (Linux's idea, simplified).</summary>
    private bool TryPickEphemeralTcpPort(IpAddress source, IpAddress destination, ushort port, out ushort localPort)
    {
        int first = _options.EphemeralPortFirst, count = _options.EphemeralPortLast - first + 1;
        int start = RandomSource.Next(count);
        for (int i = 0; i < count; i++)
        {
            var candidate = (ushort)(first + (start + i) % count);
            if (Sockets.PortUsers.ContainsKey(candidate)) continue;
            localPort = candidate;
            return true;
        }
        localPort = 0;
        return false;
    }

    /// <summary>The source address towards <paramref name="destination"/> and the MSS its route's MTU allows.</summary>
    private bool TrySelectTcpSource(IpAddress destination, out IpAddress source, out int mss)
    {
        source = default;
        mss = 0;
        if (destination.IsV4)
        {
            if (!TrySelectSourceV4For(destination.V4, out var from)) return false;
            source = from;
            mss = RouteMtu(destination) - Ipv4Header.MinLength - TcpHeader.MinLength;
        }
        else
        {
            if (!TrySelectSourceV6For(destination.V6, out var from)) return false;
            source = from;
            mss = RouteMtu(destination) - Ipv6Header.Length - TcpHeader.MinLength;
        }
        return true;
    }

    /// <summary>The MTU towards a destination: the route's NIC, or 65535 for this host's own addresses (loopback).</summary>
    private int RouteMtu(IpAddress destination)
    {
        if (IsLocalAddress(destination)) return 65535;
        return TryLookupRoute(destination, out var route) && _interfaces.TryGetValue(route.NicId, out var nic) ? nic.Mtu : 1280;
    }

    private void RaiseTcpSocketChanged(int socket)
    {
        _handlerDepth++;
        try { _events.TcpSocketChanged(socket); }
        finally { _handlerDepth--; }
    }
}
