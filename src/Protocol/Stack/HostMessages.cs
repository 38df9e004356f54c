using Akka.Actor;
using MessagePack;
using NetSim.Protocol.Wire;

// The host side of a StackActor: addresses, routes, forwarding, UDP endpoints, ping, and netstat-style counters.
// Frames still enter and leave only through NICs; these messages configure the host and use it as an application would.
namespace NetSim.Protocol.Stack;

/// <summary><c>ip addr add ADDRESS/PREFIX dev NIC</c>: also adds the connected route. Replies <see cref="HostConfigured"/> or <see cref="OperationFailed"/> (ENODEV, EINVAL, EEXIST).</summary>
[MessagePackObject]
public sealed record AddAddress([property: Key(0)] string Nic, [property: Key(1)] IpAddress Address, [property: Key(2)] int PrefixLength) : INetSimMessage;

/// <summary>
/// <c>ip route add PREFIX/LEN [via GATEWAY] [dev NIC]</c>; 0.0.0.0/0 or ::/0 is the default route. At least one of
/// gateway and NIC. Replies <see cref="HostConfigured"/> or <see cref="OperationFailed"/> (ENODEV, EINVAL, ENETUNREACH
/// when the gateway is not on a connected network).
/// </summary>
[MessagePackObject]
public sealed record AddRoute(
    [property: Key(0)] IpAddress Prefix,
    [property: Key(1)] int PrefixLength,
    [property: Key(2)] IpAddress? Gateway = null,
    [property: Key(3)] string? Nic = null) : INetSimMessage;

/// <summary><c>sysctl net.ipv4.ip_forward</c> (and IPv6's): a router forwards, a host does not. Replies <see cref="HostConfigured"/>.</summary>
[MessagePackObject]
public sealed record SetForwarding([property: Key(0)] bool Forwarding) : INetSimMessage;

/// <summary>Reply to a host configuration request: what was done, in words (for logs).</summary>
[MessagePackObject]
public sealed record HostConfigured([property: Key(0)] string What) : INetSimMessage;

/// <summary>
/// Binds a UDP port (0: an ephemeral port from the host's seeded generator) for <paramref name="Receiver"/>, which
/// gets <see cref="UdpDatagram"/> for every datagram to that port and <see cref="UdpSendFailed"/> for its sends
/// that fail. Replies <see cref="UdpBound"/> or <see cref="OperationFailed"/> EADDRINUSE.
/// </summary>
[MessagePackObject]
public sealed record UdpBind([property: Key(0)] ushort Port, [property: Key(1)] IActorRef Receiver) : INetSimMessage;

/// <summary>Reply to <see cref="UdpBind"/>: the port actually bound.</summary>
[MessagePackObject]
public sealed record UdpBound([property: Key(0)] ushort Port) : INetSimMessage;

/// <summary>Releases a UDP port. Replies <see cref="UdpBound"/> with the port (no longer bound).</summary>
[MessagePackObject]
public sealed record UdpUnbind([property: Key(0)] ushort Port) : INetSimMessage;

/// <summary>
/// sendto(2) from a bound port. Replies <see cref="UdpSent"/> when the datagram is on its way (transmitted, waiting
/// for neighbour resolution, or delivered locally to the host's own address), or <see cref="OperationFailed"/> when
/// sendto(2) itself would fail (ENETUNREACH: no route; EMSGSIZE; EINVAL). Failures found later, as a datagram socket
/// learns them (EHOSTUNREACH once neighbour resolution gives up, ECONNREFUSED on ICMP port unreachable), reach the
/// port's receiver as <see cref="UdpSendFailed"/>. Sent with <c>ActorRefs.NoSender</c> (a sender that needs no
/// answer, such as an echo server) nothing is replied; an immediate failure then goes to the port's receiver as
/// <see cref="UdpSendFailed"/>, so it is never lost.
/// </summary>
[MessagePackObject]
public sealed record UdpSend(
    [property: Key(0)] ushort SourcePort,
    [property: Key(1)] IpAddress Destination,
    [property: Key(2)] ushort DestinationPort,
    [property: Key(3)] ReadOnlyMemory<byte> Payload) : INetSimMessage;

/// <summary>Reply to <see cref="UdpSend"/>: <paramref name="Length"/> payload bytes left port <paramref name="SourcePort"/>.</summary>
[MessagePackObject]
public sealed record UdpSent([property: Key(0)] ushort SourcePort, [property: Key(1)] int Length) : INetSimMessage;

/// <summary>A datagram for a bound port, with the sender's address.</summary>
[MessagePackObject]
public sealed record UdpDatagram(
    [property: Key(0)] ushort LocalPort,
    [property: Key(1)] IpAddress Source,
    [property: Key(2)] ushort SourcePort,
    [property: Key(3)] ReadOnlyMemory<byte> Payload) : INetSimMessage;

/// <summary>A send from <paramref name="LocalPort"/> to <paramref name="Destination"/> failed with <paramref name="Errno"/>.</summary>
[MessagePackObject]
public sealed record UdpSendFailed([property: Key(0)] ushort LocalPort, [property: Key(1)] IpAddress Destination, [property: Key(2)] Errno Errno) : INetSimMessage;

/// <summary>
/// ping: sends one ICMP echo request (v4 or v6 by the destination) with <paramref name="PayloadSize"/> bytes.
/// <paramref name="Ttl"/> set makes it a traceroute probe. <paramref name="ReplyTo"/> receives the
/// <see cref="IcmpEvent"/>s for <paramref name="Identifier"/> (the reply, or an error such as time exceeded),
/// or <see cref="EchoSendFailed"/> when it could not be sent at all.
/// </summary>
[MessagePackObject]
public sealed record SendEcho(
    [property: Key(0)] IpAddress Destination,
    [property: Key(1)] ushort Identifier,
    [property: Key(2)] ushort Sequence,
    [property: Key(3)] int PayloadSize,
    [property: Key(4)] byte? Ttl,
    [property: Key(5)] IActorRef ReplyTo) : INetSimMessage;

/// <summary>An echo request could not leave the host (ENETUNREACH: no route; EMSGSIZE).</summary>
[MessagePackObject]
public sealed record EchoSendFailed([property: Key(0)] ushort Identifier, [property: Key(1)] ushort Sequence, [property: Key(2)] Errno Errno) : INetSimMessage;

/// <summary>
/// An ICMP message for locally originated traffic: an echo reply (<paramref name="IsError"/> false) or an error
/// (time exceeded, destination unreachable, packet too big) quoting our packet; type and code as on the wire.
/// </summary>
[MessagePackObject]
public sealed record IcmpEvent(
    [property: Key(0)] IpAddress Source,
    [property: Key(1)] byte Type,
    [property: Key(2)] byte Code,
    [property: Key(3)] bool IsError,
    [property: Key(4)] ushort Identifier,
    [property: Key(5)] ushort Sequence,
    [property: Key(6)] byte Ttl,
    [property: Key(7)] IpAddress OriginalDestination) : INetSimMessage;

/// <summary>Asks for the host's protocol counters; replies <see cref="HostCounterSnapshot"/>.</summary>
[MessagePackObject]
public sealed record GetHostCounters : INetSimMessage
{
    public static readonly GetHostCounters Instance = new();
}

/// <summary>The host's counters as <c>netstat -s</c> groups them ("ip.forwarded", "icmp.in.echo-reply", "udp.no-ports", ...), sorted by name.</summary>
[MessagePackObject]
public sealed record HostCounterSnapshot([property: Key(0)] string Host, [property: Key(1)] IReadOnlyDictionary<string, long> Counters) : INetSimMessage;
