using NetSim.Protocol.Wire;

namespace NetSim.Network;

/// <summary>
/// One routing table entry: packets to <see cref="Prefix"/>/<see cref="PrefixLength"/> leave by NIC
/// <see cref="NicId"/>, to <see cref="Gateway"/> when it has one, else straight to the destination (connected).
/// </summary>
public readonly record struct Route(IpAddress Prefix, int PrefixLength, IpAddress? Gateway, int NicId)
{
    /// <summary>True for a route added with an address: the destination is on the link.</summary>
    public bool IsConnected => Gateway is null;

    /// <summary>The neighbour to hand a packet for <paramref name="destination"/> to.</summary>
    public IpAddress NextHop(IpAddress destination) => Gateway ?? destination;

    public override string ToString() =>
        $"{Prefix}/{PrefixLength} {(Gateway is { } g ? $"via {g} " : "")}dev #{NicId}";
}
