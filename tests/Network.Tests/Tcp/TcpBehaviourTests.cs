using System.Buffers.Binary;
using NetSim.Network.Tcp;
using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tests.Tcp;

/// <summary>One RFC rule per test, on two stacks in virtual time, with the segments on the wire inspected.</summary>
public class TcpBehaviourTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    /// <summary>A TCP segment seen on a link, decoded.</summary>
    private sealed record Seen(TimeSpan At, TcpFlags Flags, uint Seq, uint Ack, int Payload, ushort Window, TcpOptionSet Options, ushort SourcePort, ushort DestinationPort);

    private static List<Seen> Watch(TcpTestNet net, Link link)
    {
        var seen = new List<Seen>();
        link.Tap = frame =>
        {
            if (frame[0] >> 4 != 4 || frame[9] != IpProtocol.Tcp) return;
            var tcp = TcpHeader.Parse(Ipv4Header.Parse(frame).Payload);
            Assert.True(tcp.TryReadOptions(out var o));
            seen.Add(new Seen(net.Now, tcp.Flags, tcp.SequenceNumber, tcp.AcknowledgmentNumber, tcp.Payload.Length, tcp.Window, o, tcp.SourcePort, tcp.DestinationPort));
        };
        return seen;
    }

    private static void Established(TcpTestNet net, int socketA, out int socketB, ushort port = 80)
    {
        net.Run(net.Now + TimeSpan.FromSeconds(1), () => net.A.TcpConnectionOf(socketA)!.State == TcpState.Established);
        net.Run(net.Now + TimeSpan.FromMilliseconds(100));
        socketB = 0;
        foreach (var listener in new[] { 1, 2, 3 })
            if (net.B.TcpAccept(listener, out socketB) == Errno.None) break;
        Assert.Equal(TcpState.Established, net.A.TcpConnectionOf(socketA)!.State);
    }

    [Fact]
    public void Three_way_handshake_negotiates_mss_window_scale_timestamps_and_sack()
    {
        var net = new TcpTestNet(new LinkSpec { Delay = 10 * Ms });
        var ab = Watch(net, net.AToB);
        var ba = Watch(net, net.BToA);
        Assert.Equal(Errno.None, net.B.TcpListen(80, out int listener));
        Assert.Equal(Errno.None, net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int client));
        net.Run(TimeSpan.FromSeconds(1));

        var syn = ab[0];
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.True(syn.Options.HasMss && syn.Options.Mss == 1460);
        Assert.True(syn.Options.SackPermitted && syn.Options.HasTimestamps && syn.Options.HasWindowScale);
        Assert.Equal(5, syn.Options.WindowScale); // 1 MB receive buffer: 2^20 >> 5 fits 16 bits
        var synAck = ba[0];
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(syn.Seq + 1, synAck.Ack);
        Assert.Equal(syn.Options.TsVal, synAck.Options.TsEcr);
        var ack = ab[1];
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(synAck.Seq + 1, ack.Ack);
        Assert.Equal(syn.Seq + 1, ack.Seq);
        Assert.Equal(2, ab.Count); // nothing else: no data, no stray segments
        Assert.Single(ba);

        Assert.Equal(Errno.None, net.B.TcpAccept(listener, out int server));
        Assert.Equal(TcpState.Established, net.B.TcpConnectionOf(server)!.State);
        var info = net.A.TcpInfo(client)!;
        Assert.Equal(TcpState.Established, info.State);
        Assert.InRange(info.ConnectTime!.Value, 20 * Ms, 21 * Ms); // one RTT plus serialization
        Assert.Equal(1448, info.Mss); // 1500 - 20 - 20 - 12 bytes of timestamps
        Assert.Equal(Errno.EAGAIN, net.B.TcpAccept(listener, out _));
    }

    [Fact]
    public void Syn_to_a_closed_port_gets_a_reset_and_connect_fails_with_ECONNREFUSED()
    {
        var net = new TcpTestNet();
        var ba = Watch(net, net.BToA);
        Assert.Equal(Errno.None, net.A.TcpConnect(TcpTestNet.AddressB, 81, net.Now, out int client));
        net.Run(TimeSpan.FromSeconds(1));
        var rst = Assert.Single(ba);
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.Equal(0u, rst.Seq);
        var c = net.A.TcpConnectionOf(client)!;
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ECONNREFUSED, c.Error);
        Assert.Equal(1, net.B.TcpCounters.NoPorts);
        Assert.Equal(Errno.ECONNREFUSED, net.A.TcpSend(client, new byte[1], net.Now, out _));
    }

    [Fact]
    public void Simultaneous_open_establishes_both_ends_without_a_listener()
    {
        var net = new TcpTestNet();
        var ab = Watch(net, net.AToB);
        Assert.Equal(Errno.None, net.A.TcpConnect(TcpTestNet.AddressB, 2000, net.Now, out int a, localPort: 1000));
        Assert.Equal(Errno.None, net.B.TcpConnect(TcpTestNet.AddressA, 1000, net.Now, out int b, localPort: 2000));
        net.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.Established, net.A.TcpConnectionOf(a)!.State);
        Assert.Equal(TcpState.Established, net.B.TcpConnectionOf(b)!.State);
        // RFC 9293 figure 8: SYN, then SYN-ACK with the same ISN.
        Assert.Equal(TcpFlags.Syn, ab[0].Flags);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, ab[1].Flags);
        Assert.Equal(ab[0].Seq, ab[1].Seq);
        Assert.Equal(Errno.None, net.A.TcpSend(a, "hello"u8, net.Now, out _));
        net.Run(net.Now + TimeSpan.FromSeconds(1));
        var buffer = new byte[16];
        Assert.Equal(Errno.None, net.B.TcpReceive(b, buffer, net.Now, out int n));
        Assert.Equal("hello"u8.ToArray(), buffer[..n]);
    }

    [Fact]
    public void Active_closer_holds_TIME_WAIT_for_two_MSL_then_forgets_the_connection()
    {
        var config = new TcpConfig { Msl = TimeSpan.FromSeconds(2) };
        var net = new TcpTestNet(tcpA: config, tcpB: config);
        net.B.TcpListen(80, out _);
        net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a);
        Established(net, a, out int b);
        Assert.Equal(Errno.None, net.A.TcpClose(a, net.Now));
        net.Run(net.Now + TimeSpan.FromMilliseconds(100));
        Assert.Equal(TcpState.FinWait2, net.A.TcpConnections.Single().State);
        Assert.Equal(TcpState.CloseWait, net.B.TcpConnectionOf(b)!.State);
        Assert.Equal(Errno.None, net.B.TcpReceive(b, new byte[8], net.Now, out int eof));
        Assert.Equal(0, eof);
        var closedAt = net.Now;
        Assert.Equal(Errno.None, net.B.TcpClose(b, net.Now));
        net.Run(net.Now + TimeSpan.FromMilliseconds(100));
        Assert.Equal(TcpState.TimeWait, net.A.TcpConnections.Single().State);
        Assert.Equal(0, net.B.TcpConnectionCount); // LAST_ACK ended with the ACK of its FIN
        net.Run(closedAt + TimeSpan.FromSeconds(3.9));
        Assert.Equal(TcpState.TimeWait, net.A.TcpConnections.Single().State);
        net.Run(closedAt + TimeSpan.FromSeconds(4.2));
        Assert.Empty(net.A.TcpConnections);
        Assert.Equal(0, net.A.TcpConnectionCount);
    }

    [Fact]
    public void Half_close_lets_the_other_side_keep_sending()
    {
        var net = new TcpTestNet();
        net.B.TcpListen(80, out _);
        net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a);
        Established(net, a, out int b);
        Assert.Equal(Errno.None, net.A.TcpShutdown(a, net.Now));
        net.Run(net.Now + TimeSpan.FromMilliseconds(50));
        Assert.Equal(Errno.EPIPE, net.A.TcpSend(a, new byte[1], net.Now, out _));
        Assert.Equal(Errno.None, net.B.TcpReceive(b, new byte[8], net.Now, out int eof));
        Assert.Equal(0, eof);
        Assert.Equal(Errno.None, net.B.TcpSend(b, "still here"u8, net.Now, out _));
        net.Run(net.Now + TimeSpan.FromMilliseconds(50));
        var buffer = new byte[32];
        Assert.Equal(Errno.None, net.A.TcpReceive(a, buffer, net.Now, out int n));
        Assert.Equal("still here"u8.ToArray(), buffer[..n]);
        Assert.Equal(TcpState.FinWait2, net.A.TcpInfo(a)!.State);
    }

    [Fact]
    public void Close_with_unread_data_resets_and_the_peer_sees_ECONNRESET()
    {
        var net = new TcpTestNet();
        net.B.TcpListen(80, out _);
        net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a);
        Established(net, a, out int b);
        net.A.TcpSend(a, new byte[100], net.Now, out _);
        net.Run(net.Now + TimeSpan.FromMilliseconds(50));
        Assert.Equal(Errno.None, net.B.TcpClose(b, net.Now)); // 100 bytes never read
        net.Run(net.Now + TimeSpan.FromMilliseconds(50));
        var c = net.A.TcpConnectionOf(a)!;
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ECONNRESET, c.Error);
        Assert.Equal(Errno.ECONNRESET, net.A.TcpReceive(a, new byte[8], net.Now, out _));
        Assert.Equal(1, net.A.TcpCounters.InResets);
    }

    [Fact]
    public void Reset_with_an_inexact_in_window_sequence_gets_a_challenge_ack_not_a_reset_RFC5961()
    {
        var net = new TcpTestNet();
        var ba = Watch(net, net.BToA);
        net.B.TcpListen(80, out _);
        net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a);
        Established(net, a, out int b);
        var lastAck = ba[^1].Ack;
        var fromA = net.A.TcpConnectionOf(a)!.Local;
        int before = ba.Count;
        net.B.Receive(1, EtherType.IPv4, Segment(fromA.Port, 80, lastAck + 1000, 0, TcpFlags.Rst), net.Now);
        Assert.Equal(TcpState.Established, net.B.TcpConnectionOf(b)!.State);
        var challenge = ba[before];
        Assert.Equal(TcpFlags.Ack, challenge.Flags);
        Assert.Equal(lastAck, challenge.Ack);
        // The exact sequence number does reset.
        net.B.Receive(1, EtherType.IPv4, Segment(fromA.Port, 80, lastAck, 0, TcpFlags.Rst), net.Now);
        Assert.Equal(Errno.ECONNRESET, net.B.TcpConnectionOf(b)!.Error);
    }

    [Fact]
    public void Syn_in_an_established_connection_gets_a_challenge_ack_RFC5961()
    {
        var net = new TcpTestNet();
        var ba = Watch(net, net.BToA);
        net.B.TcpListen(80, out _);
        net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a);
        Established(net, a, out int b);
        var lastAck = ba[^1].Ack;
        int before = ba.Count;
        net.B.Receive(1, EtherType.IPv4, Segment(net.A.TcpConnectionOf(a)!.Local.Port, 80, lastAck + 5, 0, TcpFlags.Syn), net.Now);
        Assert.Equal(TcpState.Established, net.B.TcpConnectionOf(b)!.State);
        Assert.Equal(TcpFlags.Ack, ba[before].Flags);
    }

    [Fact]
    public void Unanswered_syn_backs_off_exponentially_and_fails_with_ETIMEDOUT()
    {
        var net = new TcpTestNet(tcpA: new TcpConfig { SynRetries = 3 });
        var ab = Watch(net, net.AToB);
        net.AToB.Filter = _ => false;
        Assert.Equal(Errno.None, net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a));
        net.Run(TimeSpan.FromSeconds(60));
        Assert.Equal(new[] { 0.0, 1, 3, 7 }, ab.Select(s => s.At.TotalSeconds).ToArray()); // RFC 6298 5.5: RTO doubles
        Assert.All(ab, s => Assert.Equal(TcpFlags.Syn, s.Flags));
        var c = net.A.TcpConnectionOf(a)!;
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ETIMEDOUT, c.Error);
        Assert.Equal(3, c.Info.Timeouts);
    }

    [Fact]
    public void Icmp_port_unreachable_during_connect_fails_it_with_ECONNREFUSED()
    {
        var net = new TcpTestNet();
        int a = ConnectIntoTheVoid(net, out var syn);
        net.A.Receive(1, EtherType.IPv4, IcmpErrorAbout(syn, IcmpV4UnreachableCode.Port), net.Now);
        Assert.Equal(Errno.ECONNREFUSED, net.A.TcpConnectionOf(a)!.Error);
    }

    [Fact]
    public void Icmp_host_unreachable_is_soft_and_reported_as_EHOSTUNREACH_when_retries_run_out()
    {
        var net = new TcpTestNet(tcpA: new TcpConfig { SynRetries = 2 });
        int a = ConnectIntoTheVoid(net, out var syn);
        net.A.Receive(1, EtherType.IPv4, IcmpErrorAbout(syn, IcmpV4UnreachableCode.Host), net.Now);
        var c = net.A.TcpConnectionOf(a)!;
        Assert.Equal(TcpState.SynSent, c.State); // soft: the connection keeps trying
        Assert.Equal(Errno.EHOSTUNREACH, c.SoftError);
        net.Run(TimeSpan.FromSeconds(30));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.EHOSTUNREACH, c.Error);
    }

    [Fact]
    public void Icmp_error_quoting_a_sequence_number_not_in_flight_is_ignored_RFC5927()
    {
        var net = new TcpTestNet();
        int a = ConnectIntoTheVoid(net, out var syn);
        var forged = (byte[])syn.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(24), BinaryPrimitives.ReadUInt32BigEndian(forged.AsSpan(24)) + 100_000);
        net.A.Receive(1, EtherType.IPv4, IcmpErrorAbout(forged, IcmpV4UnreachableCode.Port), net.Now);
        Assert.Equal(TcpState.SynSent, net.A.TcpConnectionOf(a)!.State);
    }

    [Theory]
    [InlineData(16 * 1024, 32 * 1024)]
    [InlineData(1 << 20, 1 << 20)] // a scaled window
    public void A_zero_window_stops_the_sender_and_probes_until_the_reader_catches_up(int receiveBuffer, int sendBuffer)
    {
        var small = new TcpConfig { ReceiveBufferSize = receiveBuffer, SendBufferSize = sendBuffer };
        var net = new TcpTestNet(tcpA: small, tcpB: small);
        var ab = Watch(net, net.AToB);
        var (sender, receiver) = net.BulkTransfer(4 << 20);
        receiver.Paused = true;
        net.Run(TimeSpan.FromSeconds(5));
        // Flow control: the sender holds its own buffer full and the receiver's window; nothing more was taken.
        Assert.Equal(receiveBuffer + sendBuffer, sender.Written);
        Assert.Equal(Errno.EAGAIN, sender.LastError);
        var info = net.A.TcpInfo(sender.Socket)!;
        Assert.True(info.ZeroWindowProbes >= 3, $"{info.ZeroWindowProbes} probes");
        Assert.Equal(0, info.Timeouts);
        Assert.Equal(TcpState.Established, info.State);
        // Probes back off: the gaps between them grow.
        var probes = ab.Where(s => s.Payload == 0 && s.Flags == TcpFlags.Ack && s.At > TimeSpan.FromSeconds(0.5)).Select(s => s.At).ToList();
        Assert.True(probes.Count >= 3);
        Assert.True(probes[2] - probes[1] > probes[1] - probes[0]);

        receiver.Paused = false;
        net.Poke();
        net.Run(TimeSpan.FromMinutes(5), () => receiver.Eof);
        Assert.Equal(4 << 20, receiver.Received);
        Assert.Equal(Convert.ToHexString(sender.Hash!), Convert.ToHexString(receiver.Hash!));
    }

    [Fact]
    public void Delayed_ack_waits_for_a_second_segment_or_the_timer()
    {
        var net = new TcpTestNet(new LinkSpec { Delay = 5 * Ms });
        var ba = Watch(net, net.BToA);
        net.B.TcpListen(80, out _);
        net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int a);
        Established(net, a, out _);
        int before = ba.Count;
        var sentAt = net.Now;
        net.A.TcpSend(a, new byte[100], net.Now, out _);
        net.Run(net.Now + TimeSpan.FromMilliseconds(200));
        var ack = ba[before];
        Assert.InRange(ack.At - sentAt, 44.9 * Ms, 45.2 * Ms); // 5 ms on the wire + 40 ms delay
        // Two full segments are acknowledged at once.
        before = ba.Count;
        sentAt = net.Now;
        net.A.TcpSend(a, new byte[2 * 1448], net.Now, out _);
        net.Run(net.Now + TimeSpan.FromMilliseconds(200));
        Assert.InRange(ba[before].At - sentAt, 5 * Ms, 6 * Ms);
    }

    [Fact]
    public void Rto_falls_to_the_configured_minimum_on_a_short_path()
    {
        var net = new TcpTestNet(new LinkSpec { Delay = 1 * Ms }, new TcpConfig { MinRto = TimeSpan.FromMilliseconds(50) });
        var (sender, receiver) = net.BulkTransfer(100_000);
        net.Run(TimeSpan.FromSeconds(10), () => receiver.Eof);
        var info = net.A.TcpInfo(sender.Socket)!;
        Assert.Equal(TimeSpan.FromMilliseconds(50), info.Rto);
        Assert.InRange(info.MinRtt, 2 * Ms, 3 * Ms);
    }

    [Fact]
    public void A_transfer_across_the_sequence_number_wrap_arrives_intact()
    {
        var config = new TcpConfig { InitialSequenceNumber = 0xFFFF_0000 };
        var net = new TcpTestNet(new LinkSpec { Loss = 0.02 }, config, config);
        var (sender, receiver) = net.BulkTransfer(1 << 20);
        net.Run(TimeSpan.FromMinutes(5), () => receiver.Eof);
        Assert.Equal(1 << 20, receiver.Received);
        Assert.Equal(Convert.ToHexString(sender.Hash!), Convert.ToHexString(receiver.Hash!));
    }

    [Fact]
    public void Listen_on_a_taken_port_is_EADDRINUSE_and_accept_on_a_bad_socket_is_EBADF()
    {
        var net = new TcpTestNet();
        Assert.Equal(Errno.None, net.B.TcpListen(80, out _));
        Assert.Equal(Errno.EADDRINUSE, net.B.TcpListen(80, out _));
        Assert.Equal(Errno.EBADF, net.B.TcpAccept(999, out _));
        Assert.Equal(Errno.EBADF, net.B.TcpSend(999, new byte[1], net.Now, out _));
        Assert.Equal(Errno.ENETUNREACH, net.A.TcpConnect(Ipv4Address.Parse("192.0.2.1"), 80, net.Now, out _));
    }

    /// <summary>Connects A to B over a link that drops everything; returns the socket and the first SYN sent.</summary>
    private static int ConnectIntoTheVoid(TcpTestNet net, out byte[] syn)
    {
        byte[]? first = null;
        net.AToB.Filter = f => { first ??= f; return false; };
        Assert.Equal(Errno.None, net.A.TcpConnect(TcpTestNet.AddressB, 80, net.Now, out int socket));
        net.Run(TimeSpan.FromMilliseconds(10));
        syn = first!;
        return socket;
    }

    /// <summary>A bare TCP segment from A to B (IPv4), checksummed.</summary>
    private static byte[] Segment(ushort sourcePort, ushort destinationPort, uint seq, uint ack, TcpFlags flags)
    {
        var packet = new byte[40];
        var o = new TcpOptionSet();
        TcpHeader.Emit(packet.AsSpan(20), sourcePort, destinationPort, seq, ack, flags, 1000, o, default,
            TcpHeader.PseudoHeader(TcpTestNet.AddressA, TcpTestNet.AddressB, 20));
        Ipv4Header.Emit(packet, TcpTestNet.AddressA, TcpTestNet.AddressB, IpProtocol.Tcp, 20, 64, 1);
        return packet;
    }

    /// <summary>An ICMPv4 destination unreachable from B to A quoting <paramref name="packet"/>.</summary>
    private static byte[] IcmpErrorAbout(byte[] packet, byte code)
    {
        int quote = Math.Min(packet.Length, 548);
        var bytes = new byte[20 + IcmpV4.HeaderLength + quote];
        IcmpV4.EmitError(bytes.AsSpan(20), IcmpV4Type.DestinationUnreachable, code, 0, packet.AsSpan(0, quote));
        Ipv4Header.Emit(bytes, TcpTestNet.AddressB, TcpTestNet.AddressA, IpProtocol.Icmp, IcmpV4.HeaderLength + quote, 64, 2);
        return bytes;
    }
}
