using Akka.Actor;
using NetSim.Protocol;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Actors;

/// <summary>
/// A host's stack (<see cref="NetSimSystem.AddHost"/>) as awaitable calls: <c>ip tuntap</c>, <c>ip addr</c>,
/// <c>ip route</c>, sysctl, UDP sockets and counters. Each sends one request of <c>NetSim.Protocol.Stack</c>;
/// a failure throws <see cref="ErrnoException"/> with Linux's errno (ENODEV, EEXIST, EINVAL, ENETUNREACH, ...).
/// </summary>
public static class HostRequests
{
    /// <summary><c>ip tuntap add</c> (<see cref="CreateNic"/>): a persistent NIC.</summary>
    public static Task<NicInfo> CreateNicAsync(this IActorRef host, string name, bool isTap, int? mtu = null, MacAddress? mac = null,
        int? queueLength = null, CancellationToken cancellationToken = default) =>
        host.RequestAsync<NicInfo>(new CreateNic(name, isTap, mtu, mac, queueLength), cancellationToken: cancellationToken);

    /// <summary><see cref="LookupNic"/>: the NIC called <paramref name="name"/>.</summary>
    public static Task<NicInfo> LookupNicAsync(this IActorRef host, string name, CancellationToken cancellationToken = default) =>
        host.RequestAsync<NicInfo>(new LookupNic(name), cancellationToken: cancellationToken);

    /// <summary><c>ip link show</c> (<see cref="ListNics"/>): every NIC in ID order.</summary>
    public static async Task<IReadOnlyList<NicInfo>> ListNicsAsync(this IActorRef host, CancellationToken cancellationToken = default) =>
        (await host.RequestAsync<NicList>(ListNics.Instance, cancellationToken: cancellationToken).ConfigureAwait(false)).Nics;

    /// <summary><c>ip link delete</c> (<see cref="RemoveNic"/>).</summary>
    public static Task<NicRemoved> RemoveNicAsync(this IActorRef host, string name, CancellationToken cancellationToken = default) =>
        host.RequestAsync<NicRemoved>(new RemoveNic(name), cancellationToken: cancellationToken);

    /// <summary><c>ip addr add ADDRESS/PREFIX dev NIC</c> (<see cref="AddAddress"/>).</summary>
    public static Task AddAddressAsync(this IActorRef host, string nic, IpAddress address, int prefixLength, CancellationToken cancellationToken = default) =>
        host.RequestAsync<HostConfigured>(new AddAddress(nic, address, prefixLength), cancellationToken: cancellationToken);

    /// <summary><c>ip route add PREFIX/LEN [via GATEWAY] [dev NIC]</c> (<see cref="AddRoute"/>).</summary>
    public static Task AddRouteAsync(this IActorRef host, IpAddress prefix, int prefixLength, IpAddress? gateway = null, string? nic = null,
        CancellationToken cancellationToken = default) =>
        host.RequestAsync<HostConfigured>(new AddRoute(prefix, prefixLength, gateway, nic), cancellationToken: cancellationToken);

    /// <summary><c>sysctl net.ipv4.ip_forward</c> (<see cref="SetForwarding"/>).</summary>
    public static Task SetForwardingAsync(this IActorRef host, bool forwarding, CancellationToken cancellationToken = default) =>
        host.RequestAsync<HostConfigured>(new SetForwarding(forwarding), cancellationToken: cancellationToken);

    /// <summary>bind(2) (<see cref="UdpBind"/>): returns the port bound (an ephemeral one for 0).</summary>
    public static async Task<ushort> UdpBindAsync(this IActorRef host, ushort port, IActorRef receiver, CancellationToken cancellationToken = default) =>
        (await host.RequestAsync<UdpBound>(new UdpBind(port, receiver), cancellationToken: cancellationToken).ConfigureAwait(false)).Port;

    /// <summary>Releases a UDP port (<see cref="UdpUnbind"/>).</summary>
    public static Task UdpUnbindAsync(this IActorRef host, ushort port, CancellationToken cancellationToken = default) =>
        host.RequestAsync<UdpBound>(new UdpUnbind(port), cancellationToken: cancellationToken);

    /// <summary>
    /// sendto(2) (<see cref="UdpSend"/>): returns the payload bytes sent. Throws at once for ENETUNREACH (no route);
    /// later failures (EHOSTUNREACH, ECONNREFUSED) reach the port's receiver as <see cref="UdpSendFailed"/>.
    /// </summary>
    public static async Task<int> UdpSendAsync(this IActorRef host, ushort sourcePort, IpAddress destination, ushort destinationPort,
        ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        (await host.RequestAsync<UdpSent>(new UdpSend(sourcePort, destination, destinationPort, payload), cancellationToken: cancellationToken)
            .ConfigureAwait(false)).Length;

    /// <summary>Sends a frame out of NIC <paramref name="nicId"/> (<see cref="SendFrame"/>); ENODEV for an unknown NIC.</summary>
    public static Task SendFrameAsync(this IActorRef host, int nicId, ushort protocol, ReadOnlyMemory<byte> frame, MacAddress? destination = null,
        CancellationToken cancellationToken = default) =>
        host.RequestAsync<FrameSent>(new SendFrame(nicId, protocol, frame, destination), cancellationToken: cancellationToken);

    /// <summary><c>netstat -s</c> (<see cref="GetHostCounters"/>): the host's protocol counters.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> GetHostCountersAsync(this IActorRef host, CancellationToken cancellationToken = default) =>
        (await host.RequestAsync<HostCounterSnapshot>(GetHostCounters.Instance, cancellationToken: cancellationToken).ConfigureAwait(false)).Counters;

    /// <summary><c>ip -s link show NIC</c>: the counters of the NIC called <paramref name="name"/> on this host.</summary>
    public static async Task<NicCounters> GetNicCountersAsync(this IActorRef host, string name, CancellationToken cancellationToken = default)
    {
        var nic = await host.LookupNicAsync(name, cancellationToken).ConfigureAwait(false);
        return await nic.Nic.RequestAsync<NicCounters>(GetNicCounters.Instance, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
