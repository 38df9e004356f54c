using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

/// <summary>
/// What a <see cref="HostStack"/> tells its owner. Called synchronously from inside the stack's methods; spans are
/// valid only during the call (copy what you keep). A handler may call back into the stack (send a reply, bind).
/// </summary>
public interface IHostStackEvents
{
    /// <summary>
    /// A frame for the NIC's outbound queue: an Ethernet frame for a TAP NIC (neighbour MAC resolved by the stack),
    /// an IP packet for a TUN NIC. <paramref name="protocol"/> is the ethertype (0x0800, 0x86DD, 0x0806) for the PI header.
    /// </summary>
    void Transmit(int nicId, ushort protocol, ReadOnlySpan<byte> frame);

    /// <summary>A UDP datagram arrived for a bound port.</summary>
    void UdpReceived(ushort localPort, IpAddress source, ushort sourcePort, ReadOnlySpan<byte> payload);

    /// <summary>
    /// A datagram sent from <paramref name="localPort"/> failed after the send call returned: EHOSTUNREACH (neighbour
    /// never answered, ICMP host unreachable or time exceeded), ENETUNREACH (ICMP net unreachable), ECONNREFUSED
    /// (ICMP port unreachable), EMSGSIZE (fragmentation needed / packet too big).
    /// </summary>
    void UdpSendFailed(ushort localPort, IpAddress destination, Errno error);

    /// <summary>
    /// An ICMP echo reply, or an ICMP error about a packet this host originated (what ping and traceroute read).
    /// <paramref name="data"/> is the echo payload for replies and the quoted invoking packet for errors.
    /// </summary>
    void IcmpReceived(in IcmpMessage message, ReadOnlySpan<byte> data);

    /// <summary>
    /// Something a TCP application may wait for changed on <paramref name="socket"/>: a listener has a connection to
    /// accept; a connection became established, readable, writable, reached end of stream, or closed with an error.
    /// Look at the socket (<see cref="HostStack.TcpConnectionOf"/>) to see what. The default ignores it.
    /// </summary>
    void TcpSocketChanged(int socket) { }
}

/// <summary>
/// An ICMP message for the local host, decoded. For errors, the Original* fields come from the quoted packet
/// (ports for UDP, identifier/sequence for an echo request) so a traceroute can match probes.
/// </summary>
public readonly record struct IcmpMessage
{
    /// <summary>The sender of the ICMP message (the router for errors).</summary>
    public IpAddress Source { get; init; }
    /// <summary>The local address it was sent to.</summary>
    public IpAddress Destination { get; init; }
    /// <summary>TTL or hop limit of the ICMP packet as it arrived (ping prints it).</summary>
    public byte TimeToLive { get; init; }
    /// <summary>ICMP type: IcmpV4Type or IcmpV6Type depending on <see cref="IsV6"/>.</summary>
    public byte Type { get; init; }
    public byte Code { get; init; }
    public bool IsV6 => Source.IsV6;
    public bool IsError { get; init; }
    /// <summary>Echo identifier: of the reply, or of the quoted echo request for errors.</summary>
    public ushort Identifier { get; init; }
    /// <summary>Echo sequence: of the reply, or of the quoted echo request for errors.</summary>
    public ushort Sequence { get; init; }
    /// <summary>Destination of the packet that caused an error.</summary>
    public IpAddress OriginalDestination { get; init; }
    /// <summary>IP protocol of the packet that caused an error (1, 17, 58).</summary>
    public byte OriginalProtocol { get; init; }
    public ushort OriginalSourcePort { get; init; }
    public ushort OriginalDestinationPort { get; init; }
    /// <summary>Next-hop MTU of fragmentation needed / packet too big; 0 otherwise.</summary>
    public int Mtu { get; init; }
}
