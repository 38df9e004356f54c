using MessagePack;

// Messages a LinkActor (a cable between two NICs) and a SwitchActor (a learning Ethernet switch) receive.
namespace NetSim.Protocol.Links;

/// <summary>
/// The properties of a link, one direction's worth applied to each direction: propagation
/// <paramref name="Delay"/>, uniform <paramref name="Jitter"/> (0..jitter added to the delay, so frames may reorder
/// as with netem), <paramref name="Loss"/> probability, <paramref name="RateBitsPerSecond"/> (0 = unlimited)
/// and <paramref name="QueueLimit"/> frames waiting for the wire per direction, and whether the link is up.
/// </summary>
[MessagePackObject]
public sealed record LinkParameters(
    [property: Key(0)] TimeSpan Delay,
    [property: Key(1)] TimeSpan Jitter,
    [property: Key(2)] double Loss,
    [property: Key(3)] long RateBitsPerSecond,
    [property: Key(4)] int QueueLimit,
    [property: Key(5)] bool Up) : INetSimMessage
{
    /// <summary>A perfect cable: no delay, no loss, unlimited rate, a 1000-frame queue, up.</summary>
    public static readonly LinkParameters Ideal = new(TimeSpan.Zero, TimeSpan.Zero, 0, 0, 1000, true);

    /// <summary>Null when valid, else why not (for error messages).</summary>
    public string? Validate() =>
        Delay < TimeSpan.Zero ? $"delay {Delay} is negative"
        : Jitter < TimeSpan.Zero ? $"jitter {Jitter} is negative"
        : Loss is < 0 or > 1 || double.IsNaN(Loss) ? $"loss {Loss} is not a probability (0..1)"
        : RateBitsPerSecond < 0 ? $"rate {RateBitsPerSecond} is negative"
        : QueueLimit < 1 ? $"queue limit {QueueLimit} is below 1"
        : null;
}

/// <summary>Changes a link's parameters from now on (frames already on the wire keep theirs). Replies <see cref="LinkParametersSet"/>.</summary>
[MessagePackObject]
public sealed record SetLinkParameters([property: Key(0)] LinkParameters Parameters) : INetSimMessage;

/// <summary>Reply to <see cref="SetLinkParameters"/>.</summary>
[MessagePackObject]
public sealed record LinkParametersSet([property: Key(0)] LinkParameters Parameters) : INetSimMessage;

/// <summary>Asks a link or switch for its counters; replies <see cref="LinkCounters"/>.</summary>
[MessagePackObject]
public sealed record GetLinkCounters : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly GetLinkCounters Instance = new();
}

/// <summary>
/// Counters of a link (or a switch): frames taken from the NICs, delivered to the other side, and dropped by
/// reason ("loss", "down", "queue-full", "too-big", "nic-gone", "filtered" ...), in total and per wire
/// (<paramref name="Directions"/>: a link's two directions; a switch's ports, each port's ingress then egress).
/// Every frame taken is delivered, dropped and counted, or still in flight (<paramref name="InFlight"/>).
/// </summary>
[MessagePackObject]
public sealed record LinkCounters(
    [property: Key(0)] string Name,
    [property: Key(1)] long Taken,
    [property: Key(2)] long Delivered,
    [property: Key(3)] long Dropped,
    [property: Key(4)] long InFlight,
    [property: Key(5)] IReadOnlyDictionary<string, long> DropReasons,
    [property: Key(6)] IReadOnlyList<WireCounters> Directions) : INetSimMessage;

/// <summary>
/// One direction of one wire, from <paramref name="From"/> to <paramref name="To"/> (a NIC as "host.nic", or a
/// switch by name). <paramref name="Offered"/>: frames put on the wire (for a NIC end, frames its port read from the
/// NIC's outbound queue); <paramref name="Delivered"/>: frames handed to the far end (for a NIC end, written into
/// it). The law: Offered = Delivered + sum(Dropped) + InFlight, at every instant the owner answers.
/// </summary>
[MessagePackObject]
public sealed record WireCounters(
    [property: Key(0)] string From,
    [property: Key(1)] string To,
    [property: Key(2)] long Offered,
    [property: Key(3)] long Delivered,
    [property: Key(4)] IReadOnlyDictionary<string, long> Dropped,
    [property: Key(5)] long InFlight) : INetSimMessage;

/// <summary>Sent to a link or switch's creator once all its files are attached (it carries traffic from then on).</summary>
[MessagePackObject]
public sealed record LinkReady([property: Key(0)] string Name) : INetSimMessage;

/// <summary>A link or switch could not attach one of its ends (an unknown NIC, a type mismatch): the errno and which end.</summary>
[MessagePackObject]
public sealed record LinkFailed([property: Key(0)] string Name, [property: Key(1)] string Endpoint, [property: Key(2)] Errno Errno) : INetSimMessage;

// ---- Between a link or switch and its ports (a port holds one device file attached to one NIC) ----

/// <summary>
/// Frames a port's NIC pushed (or a port read), in order, for its owner (a link, a switch or a bridge). A NIC pushes
/// what its stack queued since its last push, which is one frame nearly always: made with <see cref="Of"/>, that frame
/// travels without a list, so readers on the frame path loop over <see cref="Count"/> and the indexer (no list, no
/// enumerator); <see cref="Frames"/> makes the list on demand.
/// </summary>
[MessagePackObject]
public sealed record PortFrames : INetSimMessage
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>>? _frames; // null: the one frame is _one
    private readonly ReadOnlyMemory<byte> _one;

    /// <summary><paramref name="frames"/> of port <paramref name="port"/>, in order.</summary>
    [SerializationConstructor]
    public PortFrames(int port, IReadOnlyList<ReadOnlyMemory<byte>> frames)
    {
        Port = port;
        _frames = frames;
    }

    private PortFrames(int port, ReadOnlyMemory<byte> frame)
    {
        Port = port;
        _one = frame;
    }

    /// <summary>One frame of port <paramref name="port"/>, without a list.</summary>
    public static PortFrames Of(int port, ReadOnlyMemory<byte> frame) => new(port, frame);

    /// <summary>The port (of the receiving owner) the frames came in on.</summary>
    [Key(0)]
    public int Port { get; }

    /// <summary>The frames, in order (a list made on demand for a single frame).</summary>
    [Key(1)]
    public IReadOnlyList<ReadOnlyMemory<byte>> Frames => _frames ?? [_one];

    /// <summary>How many frames.</summary>
    [IgnoreMember]
    public int Count => _frames?.Count ?? 1;

    /// <summary>Frame <paramref name="index"/> (0 to <see cref="Count"/> - 1).</summary>
    [IgnoreMember]
    public ReadOnlyMemory<byte> this[int index] =>
        _frames is not null ? _frames[index] : index == 0 ? _one : throw new ArgumentOutOfRangeException(nameof(index));
}

/// <summary>The owner asks a port to write a frame into its NIC (the frame enters that host's stack).</summary>
[MessagePackObject]
public sealed record PortWrite([property: Key(0)] ReadOnlyMemory<byte> Frame) : INetSimMessage;

/// <summary>
/// Many <see cref="PortWrite"/>s in one message (a bridge hands on what it read from the kernel in batches). A frame
/// the NIC refuses, and every later frame of that batch, comes back as a <see cref="PortWriteFailed"/> each.
/// </summary>
[MessagePackObject]
public sealed record PortWriteBatch([property: Key(0)] IReadOnlyList<ReadOnlyMemory<byte>> Frames) : INetSimMessage;

/// <summary>
/// Frames a port was given to write that never reached its NIC, and why: "too-big" (EMSGSIZE: above that NIC's
/// MTU), "nic-gone" (EIO/EBADFD, or the NIC stopped before taking a frame the file had accepted), or "write-ERRNO".
/// </summary>
[MessagePackObject]
public sealed record PortWriteFailed([property: Key(0)] int Port, [property: Key(1)] string Reason, [property: Key(2)] int Frames = 1) : INetSimMessage;

/// <summary>
/// A port attached its file (<paramref name="Mtu"/> of the NIC), or failed to (<paramref name="Errno"/> not None).
/// <paramref name="Nic"/>: for an owner that writes into the NIC itself (a link or switch), the NIC the file is attached
/// to, whose writes the attachment authorises (<see cref="Nic.NicWrite"/>, sent with the port as the sender so that a
/// refusal or a NIC gone comes back to the port as before); null when the port writes through its file.
/// </summary>
[MessagePackObject]
public sealed record PortAttached(
    [property: Key(0)] int Port,
    [property: Key(1)] int Mtu,
    [property: Key(2)] Errno Errno,
    [property: Key(3)] Akka.Actor.IActorRef? Nic = null) : INetSimMessage;

/// <summary>
/// To an owner that writes into the port's NIC itself: the port's file was closed under it (its NIC went away), so
/// the owner writes through the port again, which counts each frame as "file-closed".
/// </summary>
[MessagePackObject]
public sealed record PortClosed([property: Key(0)] int Port) : INetSimMessage;

/// <summary>Asks a switch for its learned MAC table (entries not yet aged out); replies <see cref="MacTable"/>.</summary>
[MessagePackObject]
public sealed record GetMacTable : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly GetMacTable Instance = new();
}

/// <summary>One learned MAC: behind which port.</summary>
[MessagePackObject]
public sealed record MacTableEntry([property: Key(0)] Wire.MacAddress Mac, [property: Key(1)] int Port) : INetSimMessage;

/// <summary>Reply to <see cref="GetMacTable"/>, ordered by MAC.</summary>
[MessagePackObject]
public sealed record MacTable([property: Key(0)] IReadOnlyList<MacTableEntry> Entries) : INetSimMessage;
