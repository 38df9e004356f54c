using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>ARP operation codes (RFC 826).</summary>
public enum ArpOperation : ushort
{
    /// <summary>Request (1).</summary>
    Request = 1,
    /// <summary>Reply (2).</summary>
    Reply = 2,
}

/// <summary>A view over an ARP packet for Ethernet and IPv4 (RFC 826), the only kind a TAP host needs.</summary>
public readonly ref struct ArpPacket
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 28;
    private const ushort HardwareEthernet = 1;

    private readonly ReadOnlySpan<byte> _bytes;

    private ArpPacket(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>True for a whole Ethernet/IPv4 ARP packet: htype 1, ptype 0x0800, hlen 6, plen 4, op 1 or 2.</summary>
    public static bool Check(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Length) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(packet) != HardwareEthernet) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != EtherType.IPv4) return false;
        if (packet[4] != MacAddress.Length || packet[5] != Ipv4Address.Length) return false;
        ushort op = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        return op is (ushort)ArpOperation.Request or (ushort)ArpOperation.Reply;
    }

    /// <summary>A view over the start of the buffer (call Check first).</summary>
    public static ArpPacket Parse(ReadOnlySpan<byte> packet) => new(packet[..Length]);

    /// <summary>The operation field.</summary>
    public ArpOperation Operation => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_bytes[6..]);
    /// <summary>The sender hardware address field.</summary>
    public MacAddress SenderHardwareAddress => MacAddress.Read(_bytes[8..]);
    /// <summary>The sender protocol address field.</summary>
    public Ipv4Address SenderProtocolAddress => Ipv4Address.Read(_bytes[14..]);
    /// <summary>The target hardware address field.</summary>
    public MacAddress TargetHardwareAddress => MacAddress.Read(_bytes[18..]);
    /// <summary>The target protocol address field.</summary>
    public Ipv4Address TargetProtocolAddress => Ipv4Address.Read(_bytes[24..]);

    /// <summary>Writes the 28-byte packet.</summary>
    public static void Emit(Span<byte> destination, ArpOperation operation, MacAddress senderMac, Ipv4Address senderIp,
        MacAddress targetMac, Ipv4Address targetIp)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, HardwareEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], EtherType.IPv4);
        destination[4] = MacAddress.Length;
        destination[5] = Ipv4Address.Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], (ushort)operation);
        senderMac.Write(destination[8..]);
        senderIp.Write(destination[14..]);
        targetMac.Write(destination[18..]);
        targetIp.Write(destination[24..]);
    }
}
