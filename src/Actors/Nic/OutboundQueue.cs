using NetSim.Protocol.Nic;

namespace NetSim.Actors.Nic;

/// <summary>
/// The bounded FIFO of frames a NIC holds for its files to read (gVisor's channel.Endpoint queue).
/// A ring that starts small and doubles up to <see cref="Capacity"/>, so an idle NIC costs almost nothing:
/// with 100,000s of NICs, a 1024-slot array each would dominate memory.
/// </summary>
internal sealed class OutboundQueue(int capacity)
{
    private ProtocolFrame[] _ring = [];
    private int _head;

    public int Capacity { get; } = capacity;
    public int Count { get; private set; }
    public bool IsEmpty => Count == 0;
    public bool IsFull => Count == Capacity;

    /// <summary>Adds a frame at the tail; false (and nothing stored) when the queue is full.</summary>
    public bool TryEnqueue(in ProtocolFrame frame)
    {
        if (Count == Capacity) return false;
        if (Count == _ring.Length) Grow();
        _ring[(_head + Count) % _ring.Length] = frame;
        Count++;
        return true;
    }

    /// <summary>Removes the frame at the head; call only when not empty.</summary>
    public ProtocolFrame Dequeue()
    {
        var frame = _ring[_head];
        _ring[_head] = default; // release the buffer for the GC
        _head = (_head + 1) % _ring.Length;
        Count--;
        return frame;
    }

    /// <summary>Empties the queue and returns how many frames it held.</summary>
    public int Clear()
    {
        var n = Count;
        Array.Clear(_ring);
        _head = 0;
        Count = 0;
        return n;
    }

    private void Grow()
    {
        var next = new ProtocolFrame[Math.Min(Capacity, Math.Max(4, _ring.Length * 2))];
        for (var i = 0; i < Count; i++) next[i] = _ring[(_head + i) % _ring.Length];
        _ring = next;
        _head = 0;
    }
}
