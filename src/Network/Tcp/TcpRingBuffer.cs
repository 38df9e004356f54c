namespace NetSim.Network.Tcp;

/// <summary>
/// A byte ring of fixed capacity, sized once: a connection's send queue (unacknowledged and unsent bytes) or its
/// receive queue (in-order bytes not yet read, with out-of-order bytes parked beyond them at their offsets).
/// Nothing here allocates after construction.
/// </summary>
public sealed class TcpRingBuffer
{
    private readonly byte[] _buffer;
    private int _head;

    public TcpRingBuffer(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
        _buffer = new byte[capacity];
    }

    public int Capacity => _buffer.Length;
    /// <summary>Bytes readable from the head (committed).</summary>
    public int Count { get; private set; }
    public int Free => _buffer.Length - Count;

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        WriteAt(Count, data[..n]);
        Count += n;
        return n;
    }

    /// <summary>Copies <paramref name="data"/> to <paramref name="offset"/> bytes past the head without committing it.</summary>
    public void WriteAt(int offset, ReadOnlySpan<byte> data)
    {
        if (offset < 0 || offset + data.Length > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(offset));
        int start = (_head + offset) % _buffer.Length;
        int first = Math.Min(data.Length, _buffer.Length - start);
        data[..first].CopyTo(_buffer.AsSpan(start));
        data[first..].CopyTo(_buffer);
    }

    /// <summary>Makes <paramref name="n"/> bytes written with <see cref="WriteAt"/> past the end readable.</summary>
    public void Commit(int n)
    {
        if (n < 0 || Count + n > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(n));
        Count += n;
    }

    /// <summary>Copies bytes starting <paramref name="offset"/> past the head into <paramref name="destination"/>, consuming nothing.</summary>
    public void Peek(int offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Count) throw new ArgumentOutOfRangeException(nameof(offset));
        int start = (_head + offset) % _buffer.Length;
        int first = Math.Min(destination.Length, _buffer.Length - start);
        _buffer.AsSpan(start, first).CopyTo(destination);
        _buffer.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    /// <summary>Reads and consumes up to <paramref name="destination"/>.Length bytes; returns how many.</summary>
    public int Read(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, Count);
        Peek(0, destination[..n]);
        Discard(n);
        return n;
    }

    /// <summary>Drops <paramref name="n"/> bytes from the head.</summary>
    public void Discard(int n)
    {
        if (n < 0 || n > Count) throw new ArgumentOutOfRangeException(nameof(n));
        _head = (_head + n) % _buffer.Length;
        Count -= n;
        // The head is not reset when empty: out-of-order bytes may be parked beyond it.
    }
}
