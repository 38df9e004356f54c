namespace NetSim.Protocol;

/// <summary>
/// Marker for every message NetSim actors exchange. config/netsim.conf binds this interface to the MessagePack
/// serializer, so every message can cross machines (Akka.Remote / Cluster) without further configuration.
/// </summary>
public interface INetSimMessage
{
}
