namespace NetSim.Network.Tcp;

/// <summary>
/// Disjoint, sorted ranges of sequence space [Start, End), in a fixed array: the receiver's out-of-order map
/// (what it holds beyond RCV.NXT, reported as SACK blocks) and the sender's SACK scoreboard (RFC 6675). Adding
/// merges overlapping and touching ranges; when the array is full a new disjoint range is refused.
/// </summary>
public sealed class SeqRangeSet
{
    private readonly SeqNumber[] _start;
    private readonly SeqNumber[] _end;

    public SeqRangeSet(int capacity)
    {
        _start = new SeqNumber[capacity];
        _end = new SeqNumber[capacity];
    }

    public int Count { get; private set; }
    public SeqNumber StartAt(int i) => _start[i];
    public SeqNumber EndAt(int i) => _end[i];

    /// <summary>Total bytes covered.</summary>
    public int Bytes { get; private set; }

    public void Clear()
    {
        Count = 0;
        Bytes = 0;
    }

    /// <summary>Adds [start, end); false when it would need a new slot and none is left (nothing changes then).</summary>
    public bool Add(SeqNumber start, SeqNumber end)
    {
        if (end <= start) return true;
        // First range that ends at or after start: everything before it stays.
        int i = 0;
        while (i < Count && _end[i] < start) i++;
        // Ranges i..j-1 touch or overlap [start, end) and merge into one.
        int j = i;
        while (j < Count && _start[j] <= end) j++;
        if (i == j)
        {
            if (Count == _start.Length) return false;
            Array.Copy(_start, i, _start, i + 1, Count - i);
            Array.Copy(_end, i, _end, i + 1, Count - i);
            _start[i] = start;
            _end[i] = end;
            Count++;
            Bytes += end - start;
            return true;
        }
        var mergedStart = SeqNumber.Min(start, _start[i]);
        var mergedEnd = SeqNumber.Max(end, _end[j - 1]);
        for (int k = i; k < j; k++) Bytes -= _end[k] - _start[k];
        _start[i] = mergedStart;
        _end[i] = mergedEnd;
        Bytes += mergedEnd - mergedStart;
        int removed = j - i - 1;
        if (removed > 0)
        {
            Array.Copy(_start, j, _start, i + 1, Count - j);
            Array.Copy(_end, j, _end, i + 1, Count - j);
            Count -= removed;
        }
        return true;
    }

    /// <summary>Forgets everything below <paramref name="seq"/> (cumulatively acknowledged, or delivered in order).</summary>
    public void RemoveBelow(SeqNumber seq)
    {
        int drop = 0;
        while (drop < Count && _end[drop] <= seq)
        {
            Bytes -= _end[drop] - _start[drop];
            drop++;
        }
        if (drop > 0)
        {
            Array.Copy(_start, drop, _start, 0, Count - drop);
            Array.Copy(_end, drop, _end, 0, Count - drop);
            Count -= drop;
        }
        if (Count > 0 && _start[0] < seq)
        {
            Bytes -= seq - _start[0];
            _start[0] = seq;
        }
    }

    /// <summary>The index of the range holding <paramref name="seq"/>, or -1.</summary>
    public int IndexOf(SeqNumber seq)
    {
        for (int i = 0; i < Count; i++)
        {
            if (seq < _start[i]) return -1;
            if (seq < _end[i]) return i;
        }
        return -1;
    }

    /// <summary>The start of the first range at or above <paramref name="seq"/>, or null.</summary>
    public SeqNumber? NextStartAtOrAbove(SeqNumber seq)
    {
        for (int i = 0; i < Count; i++)
            if (_start[i] >= seq) return _start[i];
        return null;
    }

    /// <summary>Bytes covered in [low, high).</summary>
    public int BytesBetween(SeqNumber low, SeqNumber high)
    {
        int n = 0;
        for (int i = 0; i < Count; i++)
        {
            var s = SeqNumber.Max(_start[i], low);
            var e = SeqNumber.Min(_end[i], high);
            if (e > s) n += e - s;
        }
        return n;
    }
}
