using System.Buffers.Binary;

namespace NetSim.Protocol.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
/// Sums are carried in a uint accumulator and folded at the end, so partial sums (pseudo-header, header, payload)
/// can be chained without allocation.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to <paramref name="sum"/>; an odd trailing byte is padded with zero.</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong acc = sum;
        int i = 0;
        // 4 bytes at a time into a 64-bit accumulator: no carry is lost before the final fold.
        for (; i + 4 <= data.Length; i += 4)
            acc += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        for (; i + 2 <= data.Length; i += 2)
            acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            acc += (uint)data[i] << 8;
        while ((acc >> 32) != 0)
            acc = (acc & 0xFFFF_FFFFUL) + (acc >> 32);
        return (uint)acc;
    }

    /// <summary>Folds a running sum to 16 bits and complements it: the value to put in a checksum field.</summary>
    public static ushort Finish(uint sum)
    {
        while ((sum >> 16) != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>The running sum of the IPv4 pseudo-header (RFC 768/793): source, destination, zero, protocol, length.</summary>
    public static uint PseudoHeaderV4(Ipv4Address source, Ipv4Address destination, byte protocol, int length)
    {
        ulong acc = (source.Value >> 16) + (source.Value & 0xFFFF) + (destination.Value >> 16) + (destination.Value & 0xFFFF)
                    + protocol + (uint)length;
        return Fold32(acc);
    }

    /// <summary>The running sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses, upper-layer length, next header.</summary>
    public static uint PseudoHeaderV6(Ipv6Address source, Ipv6Address destination, byte nextHeader, int length)
    {
        ulong acc = SumWords(source.High) + SumWords(source.Low) + SumWords(destination.High) + SumWords(destination.Low)
                    + ((uint)length >> 16) + ((uint)length & 0xFFFF) + nextHeader;
        return Fold32(acc);
    }

    private static ulong SumWords(ulong v) => (v >> 48) + ((v >> 32) & 0xFFFF) + ((v >> 16) & 0xFFFF) + (v & 0xFFFF);

    private static uint Fold32(ulong acc)
    {
        while ((acc >> 32) != 0)
            acc = (acc & 0xFFFF_FFFFUL) + (acc >> 32);
        return (uint)acc;
    }
}
