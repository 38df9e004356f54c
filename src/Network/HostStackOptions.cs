namespace NetSim.Network;

/// <summary>
/// Configuration of one <see cref="HostStack"/>. Defaults follow Linux where Linux has a knob
/// (mcast_solicit, retrans_time, ipfrag_time, ip_local_port_range, ip_default_ttl).
/// </summary>
public sealed record HostStackOptions
{
    /// <summary>Host name, for logs and diagnostics.</summary>
    public string Name { get; init; } = "host";

    /// <summary>True for a router: packets for other hosts are forwarded (net.ipv4.ip_forward); false drops them.</summary>
    public bool Forwarding { get; init; }

    /// <summary>ARP requests / Neighbor Solicitations sent before a neighbour is declared unreachable (Linux mcast_solicit 3).</summary>
    public int ResolutionAttempts { get; init; } = 3;

    /// <summary>Time between resolution attempts, and after the last one before giving up (Linux retrans_time 1 s).</summary>
    public TimeSpan ResolutionRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a resolved neighbour stays usable before it must be resolved again (Linux base_reachable_time 30 s).</summary>
    public TimeSpan NeighbourExpiry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Packets held per unresolved neighbour; when full the oldest is dropped and counted (Linux unres_qlen).</summary>
    public int PendingPacketsPerNeighbour { get; init; } = 64;

    /// <summary>Neighbour cache entries across all NICs (Linux gc_thresh3 1024); beyond it new destinations are dropped.</summary>
    public int MaxNeighbours { get; init; } = 1024;

    /// <summary>How long fragments of an incomplete datagram are kept (Linux ipfrag_time 30 s).</summary>
    public TimeSpan ReassemblyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Datagrams under reassembly at once; a new one evicts the oldest when full.</summary>
    public int MaxReassemblyDatagrams { get; init; } = 64;

    /// <summary>Fragment payload bytes held across all datagrams under reassembly (Linux ipfrag_high_thresh, scaled down).</summary>
    public int MaxReassemblyBytes { get; init; } = 1 << 20;

    /// <summary>TTL of IPv4 packets this host originates (Linux ip_default_ttl 64).</summary>
    public byte DefaultTtl { get; init; } = 64;

    /// <summary>Hop limit of IPv6 packets this host originates (Linux hop_limit 64).</summary>
    public byte DefaultHopLimit { get; init; } = 64;

    /// <summary>Seed of the random choices (ephemeral ports, initial IP ID): a given seed replays the same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>First IPv4 Identification value; null draws it from <see cref="Seed"/>. Tests set it to predict bytes.</summary>
    public ushort? InitialIpId { get; init; }

    /// <summary>First IPv6 fragment Identification value; null draws it from <see cref="Seed"/>.</summary>
    public uint? InitialIpv6FragmentId { get; init; }

    /// <summary>Lowest ephemeral UDP port (Linux ip_local_port_range 32768).</summary>
    public ushort EphemeralPortFirst { get; init; } = 32768;

    /// <summary>Highest ephemeral UDP port (Linux ip_local_port_range 60999).</summary>
    public ushort EphemeralPortLast { get; init; } = 60999;

    /// <summary>Add an fe80::/64 EUI-64 address to every TAP interface, as Linux does when a link comes up.</summary>
    public bool AutoLinkLocal { get; init; } = true;

    /// <summary>Packets addressed to the host itself processed per public call; the rest wait for <see cref="HostStack.OnTimer"/>.</summary>
    public int LoopbackBudget { get; init; } = 256;

    /// <summary>TCP settings for every connection of the host (a connect may override them).</summary>
    public Tcp.TcpConfig Tcp { get; init; } = new();
}
