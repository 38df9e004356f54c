using System.Buffers;
using NetSim.Protocol.Wire;

namespace NetSim.Network;

public sealed partial class HostStack
{
    private const int MaxDatagramPayload = 65535;

    /// <summary>RFC 791 / RFC 8200 reassembly key; the protocol is 0 for IPv6, whose key has none.</summary>
    private readonly record struct ReassemblyKey(IpAddress Source, IpAddress Destination, uint Identification, byte Protocol);

    /// <summary>One datagram under reassembly: payload bytes at their offsets and the ranges received so far.</summary>
    private sealed class ReassemblyBuffer(long order, TimeSpan deadline)
    {
        public long Order { get; } = order;
        public TimeSpan Deadline { get; } = deadline;
        public byte[] Data { get; } = ArrayPool<byte>.Shared.Rent(MaxDatagramPayload);
        public List<(int Start, int End)> Ranges { get; } = [];
        public int ReceivedBytes { get; set; }
        /// <summary>Payload length, known once the last fragment (MF clear) arrived; -1 before.</summary>
        public int TotalLength { get; set; } = -1;
        /// <summary>The first fragment (offset 0) as received: its header heads the rebuilt datagram, its bytes fill the timeout error.</summary>
        public byte[]? FirstFragment { get; set; }
        public int FirstFragmentLength { get; set; }
        /// <summary>The upper-layer protocol: IPv6 takes it from the first fragment's Fragment header.</summary>
        public byte NextHeader { get; set; }

        public void Release()
        {
            ArrayPool<byte>.Shared.Return(Data);
            if (FirstFragment is not null) ArrayPool<byte>.Shared.Return(FirstFragment);
            FirstFragment = null;
        }
    }

    /// <summary>Datagrams being reassembled, null until the first fragment (most hosts never see one). Look-ups and
    /// removals read it through <c>?.</c>; entries are added only through <see cref="ReassemblyTable"/>. (No shared
    /// empty table stands in for it: one that any host could add to would leak datagrams between hosts.)</summary>
    private Dictionary<ReassemblyKey, ReassemblyBuffer>? _reassemblyTable;
    private Dictionary<ReassemblyKey, ReassemblyBuffer> ReassemblyTable => _reassemblyTable ??= [];
    private List<ReassemblyKey>? _dueReassembly;
    private long _reassemblyOrder;
    private int _reassemblyBytes;

    private void ReassembleIpv4(Ipv4Header ip, bool toGroup, TimeSpan now)
    {
        var key = new ReassemblyKey(ip.Source, ip.Destination, ip.Identification, ip.Protocol);
        // The first fragment's header heads the datagram, so its length bounds the payload once it is known.
        int headerBound = _reassemblyTable?.TryGetValue(key, out var pending) == true && pending.FirstFragment is { } head
            ? (head[0] & 0x0F) * 4
            : ip.HeaderLength;
        var r = AddFragment(Counters.Ipv4, key, ip.FragmentOffset, ip.Payload, ip.MoreFragments, ip.Bytes, ip.Protocol,
            MaxDatagramPayload - headerBound, now);
        if (r is null) return;
        try
        {
            var first = r.FirstFragment!.AsSpan(0, r.FirstFragmentLength);
            int headerLength = (first[0] & 0x0F) * 4;
            int total = headerLength + r.TotalLength;
            if (total > Ipv4Header.MaxPacketLength)
            {
                // Only possible when fragments seen before the first one assumed a shorter header.
                Counters.Ipv4.InHeaderErrors++;
                return;
            }
            var buffer = Rent(total);
            try
            {
                var packet = buffer.AsSpan(Headroom, total);
                first[..headerLength].CopyTo(packet);
                r.Data.AsSpan(0, r.TotalLength).CopyTo(packet[headerLength..]);
                Ipv4Header.SetLengthAndFragment(packet, total, (packet[6] & 0x40) != 0, false, 0);
                DeliverIpv4(Ipv4Header.Parse(packet), toGroup, now);
            }
            finally
            {
                Return(buffer);
            }
        }
        finally
        {
            r.Release();
        }
    }

    // fragmentHeaderOffset: Where the Fragment header starts in <paramref name="ip"/>'s bytes.
    private void ReassembleIpv6(NetworkInterface? nic, MacAddress sourceMac, Ipv6Header ip, int fragmentHeaderOffset, bool toGroup, TimeSpan now)
    {
        var c = Counters.Ipv6;
        var bytes = ip.Bytes;
        if (!Ipv6FragmentHeader.Check(bytes[fragmentHeaderOffset..]))
        {
            c.InHeaderErrors++;
            return;
        }
        var fragment = Ipv6FragmentHeader.Parse(bytes[fragmentHeaderOffset..]);
        var data = bytes[(fragmentHeaderOffset + Ipv6FragmentHeader.Length)..];
        var key = new ReassemblyKey(ip.Source, ip.Destination, fragment.Identification, 0);
        var r = AddFragment(c, key, fragment.FragmentOffset, data, fragment.MoreFragments, bytes, fragment.NextHeader,
            MaxDatagramPayload, now);
        if (r is null) return;
        try
        {
            // Headers before the Fragment header (hop-by-hop, destination options) were processed already and are
            // not needed again: the rebuilt packet is the fixed header and the upper-layer bytes.
            int total = Ipv6Header.Length + r.TotalLength;
            var buffer = Rent(total);
            try
            {
                var packet = buffer.AsSpan(Headroom, total);
                r.FirstFragment.AsSpan(0, Ipv6Header.Length).CopyTo(packet);
                Ipv6Header.SetPayload(packet, r.NextHeader, r.TotalLength);
                r.Data.AsSpan(0, r.TotalLength).CopyTo(packet[Ipv6Header.Length..]);
                DeliverIpv6(nic, sourceMac, Ipv6Header.Parse(packet), toGroup, now);
            }
            finally
            {
                Return(buffer);
            }
        }
        finally
        {
            r.Release();
        }
    }

    /// <summary>
    /// Adds one fragment. Returns the buffer, removed from the table, when the datagram is complete (the caller
    /// rebuilds, delivers and releases it); null otherwise. Overlapping fragments discard the whole datagram
    /// (RFC 5722; Linux does the same for IPv4); exact duplicates are ignored.
    /// </summary>
    private ReassemblyBuffer? AddFragment(IpCounters c, ReassemblyKey key, int offset, ReadOnlySpan<byte> data, bool more,
        ReadOnlySpan<byte> wholeFragment, byte nextHeader, int maxPayload, TimeSpan now)
    {
        c.ReassemblyRequired++;
        int start = offset, end = offset + data.Length;
        // Every fragment but the last carries a multiple of 8 bytes, and none may reach past 65535.
        if (end > maxPayload || (more && (data.Length == 0 || (data.Length & 7) != 0)))
        {
            c.InHeaderErrors++;
            return null;
        }
        if (_reassemblyTable is not { } table || !table.TryGetValue(key, out var r))
        {
            if ((_reassemblyTable?.Count ?? 0) >= _options.MaxReassemblyDatagrams) EvictOldestReassembly(null);
            r = new ReassemblyBuffer(_reassemblyOrder++, now + _options.ReassemblyTimeout);
            ReassemblyTable.Add(key, r);
            TimersChanged();
        }
        foreach (var (s, e) in r.Ranges)
        {
            if (s == start && e == end) return null;
            if (start < e && s < end)
            {
                DropReassembly(c, key, r);
                return null;
            }
        }
        if (!more)
        {
            if (r.TotalLength >= 0 && r.TotalLength != end)
            {
                DropReassembly(c, key, r);
                return null;
            }
            r.TotalLength = end;
            foreach (var (_, e) in r.Ranges)
            {
                if (e > end)
                {
                    DropReassembly(c, key, r);
                    return null;
                }
            }
        }
        else if (r.TotalLength >= 0 && end > r.TotalLength)
        {
            DropReassembly(c, key, r);
            return null;
        }
        while (_reassemblyBytes + data.Length > _options.MaxReassemblyBytes && EvictOldestReassembly(r)) { }
        if (_reassemblyBytes + data.Length > _options.MaxReassemblyBytes)
        {
            DropReassembly(c, key, r);
            return null;
        }
        data.CopyTo(r.Data.AsSpan(start));
        r.Ranges.Add((start, end));
        r.ReceivedBytes += data.Length;
        _reassemblyBytes += data.Length;
        if (offset == 0 && r.FirstFragment is null)
        {
            r.FirstFragment = ArrayPool<byte>.Shared.Rent(wholeFragment.Length);
            wholeFragment.CopyTo(r.FirstFragment);
            r.FirstFragmentLength = wholeFragment.Length;
            r.NextHeader = nextHeader;
        }
        if (r.TotalLength < 0 || r.ReceivedBytes != r.TotalLength || r.FirstFragment is null) return null;
        _reassemblyTable?.Remove(key);
        TimersChanged();
        _reassemblyBytes -= r.ReceivedBytes;
        c.ReassemblyOks++;
        return r;
    }

    private void DropReassembly(IpCounters c, ReassemblyKey key, ReassemblyBuffer r)
    {
        _reassemblyTable?.Remove(key);
        TimersChanged();
        _reassemblyBytes -= r.ReceivedBytes;
        r.Release();
        c.ReassemblyFailures++;
    }

    /// <summary>Drops the oldest datagram other than <paramref name="keep"/> to make room; false when there is none.</summary>
    private bool EvictOldestReassembly(ReassemblyBuffer? keep)
    {
        ReassemblyKey? oldestKey = null;
        ReassemblyBuffer? oldest = null;
        if (_reassemblyTable is not { } table) return false;
        foreach (var (k, r) in table)
        {
            if (r == keep) continue;
            if (oldest is null || r.Order < oldest.Order)
            {
                oldest = r;
                oldestKey = k;
            }
        }
        if (oldest is null || oldestKey is not { } key) return false;
        DropReassembly(key.Source.IsV4 ? Counters.Ipv4 : Counters.Ipv6, key, oldest);
        return true;
    }

    /// <summary>Times out datagrams; when the first fragment came, its sender gets time exceeded (code 1, RFC 792/4443).</summary>
    private void RunReassemblyTimers(TimeSpan now)
    {
        if (_reassemblyTable is not { } table) return;
        var dueList = _dueReassembly ??= [];
        dueList.Clear();
        foreach (var (k, r) in table)
            if (r.Deadline <= now) dueList.Add(k);
        if (dueList.Count == 0) return;
        // A snapshot: the errors sent below run handlers, which may re-enter OnTimer.
        var due = dueList.ToArray();
        dueList.Clear();
        foreach (var key in due)
        {
            if (!table.Remove(key, out var r)) continue;
            TimersChanged();
            _reassemblyBytes -= r.ReceivedBytes;
            var c = key.Source.IsV4 ? Counters.Ipv4 : Counters.Ipv6;
            c.ReassemblyFailures++;
            c.ReassemblyTimeouts++;
            try
            {
                if (r.FirstFragment is not null)
                {
                    var first = r.FirstFragment.AsSpan(0, r.FirstFragmentLength);
                    if (key.Source.IsV4)
                        SendIcmpV4Error(first, IcmpV4Type.TimeExceeded, IcmpV4TimeExceededCode.FragmentReassembly, 0, now);
                    else
                        SendIcmpV6Error(first, IcmpV6Type.TimeExceeded, IcmpV6TimeExceededCode.FragmentReassembly, 0, now);
                }
            }
            finally
            {
                r.Release();
            }
        }
    }
}
