using NetSim.Protocol;
using NetSim.Protocol.Counters;
using NetSim.Protocol.Nic;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Actors.Device;

/// <summary>
/// What write(2) on /dev/net/tun checks and strips once the file is attached, in the device's order. One place for
/// both ways a frame is written: through a file (DeviceActor) and straight into the NIC by a port's writer
/// (<see cref="NicWrite"/>), so both refuse, strip and count a frame alike.
/// </summary>
internal static class WriteRules
{
    /// <summary>EMSGSIZE when <paramref name="length"/> is above the MTU plus the headers the file's flags put in front.</summary>
    public static Errno CheckSize(int length, NicInfo nic, bool packetInfo)
    {
        var max = nic.Mtu + (packetInfo ? PacketInfoHeader.Length : 0) + (nic.IsTap ? EthernetHeader.Length : 0);
        return length > max ? Errno.EMSGSIZE : Errno.None;
    }

    /// <summary>
    /// Strips the PI header and finds the network protocol (PI, else the Ethernet type for TAP, else the IP version
    /// nibble for TUN). False, with the reason, when the frame is too short for its headers: ignored and counted as an
    /// rx error, as gVisor does.
    /// </summary>
    public static bool TryStrip(ReadOnlyMemory<byte> raw, bool packetInfo, bool isTap, out ProtocolFrame frame, out string ignoredBecause)
    {
        frame = default;
        ignoredBecause = "";
        var data = raw;
        ushort protocol = 0;
        var known = false;
        if (packetInfo)
        {
            if (!PacketInfoHeader.Check(data.Span)) { ignoredBecause = NicCounterNames.DropReasons.ShortForPacketInfo; return false; }
            protocol = PacketInfoHeader.Parse(data.Span).Protocol;
            known = true;
            data = data[PacketInfoHeader.Length..];
        }
        if (isTap)
        {
            if (!EthernetHeader.Check(data.Span)) { ignoredBecause = NicCounterNames.DropReasons.ShortForEthernet; return false; }
            if (!known) protocol = EthernetHeader.Parse(data.Span).EtherType;
        }
        else if (!known && data.Length > 0)
        {
            protocol = (data.Span[0] >> 4) switch { 4 => EtherType.IPv4, 6 => EtherType.IPv6, _ => (ushort)0 };
        }
        frame = new ProtocolFrame(protocol, data);
        return true;
    }
}
