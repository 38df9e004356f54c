using Akka.Actor;
using MessagePack;

// Messages a NicActor receives. Device files and the stack send them; user code normally does not, except
// GetNicCounters. Frames here carry no PI header: that is per file and added or stripped by the file.
namespace NetSim.Protocol.Nic;

/// <summary>A frame a file wrote, headers checked and PI stripped: the NIC counts it (rx) and hands it to the stack.</summary>
[MessagePackObject]
public sealed record NicInbound([property: Key(0)] ushort Protocol, [property: Key(1)] ReadOnlyMemory<byte> Frame) : INetSimMessage;

/// <summary>Many <see cref="NicInbound"/> frames in one message (the fast path for batches and links).</summary>
[MessagePackObject]
public sealed record NicInboundBatch([property: Key(0)] IReadOnlyList<ProtocolFrame> Frames) : INetSimMessage;

/// <summary>
/// A write that skips its file: the writer of a link's or switch's port (whose file has IFF_NO_PI) hands a frame
/// straight to the NIC that file is attached to, one hop instead of two. The NIC checks it as the file would (EINVAL
/// when empty, EMSGSIZE above the MTU plus a TAP's Ethernet header; too short for that header: ignored and counted as an
/// rx error) and takes it in as <see cref="NicInbound"/>. Only a refused write is answered (<see cref="OperationFailed"/>
/// "write", to the sender); should the NIC be gone, the sender hears <see cref="Device.FramesLost"/> ("nic-gone").
/// </summary>
[MessagePackObject]
public sealed record NicWrite([property: Key(0)] ReadOnlyMemory<byte> Frame) : INetSimMessage;

/// <summary>A frame the file ignored (too short for its PI or Ethernet header): counted as an rx error with the reason.</summary>
[MessagePackObject]
public sealed record NicInboundIgnored([property: Key(0)] string Reason, [property: Key(1)] int Length) : INetSimMessage;

/// <summary>
/// The stack sends a frame out of this NIC: it joins the outbound queue that the attached files read
/// (Ethernet frame for TAP, IP packet for TUN). A full queue drops it and counts tx_dropped ("queue-full").
/// </summary>
[MessagePackObject]
public sealed record NicTransmit([property: Key(0)] ushort Protocol, [property: Key(1)] ReadOnlyMemory<byte> Frame) : INetSimMessage;

/// <summary>Many <see cref="NicTransmit"/> frames in one message.</summary>
[MessagePackObject]
public sealed record NicTransmitBatch([property: Key(0)] IReadOnlyList<ProtocolFrame> Frames) : INetSimMessage;

/// <summary>
/// A file's read: dequeue up to <paramref name="MaxFrames"/> and reply to <paramref name="ReplyTo"/> directly
/// (Packet / PacketBatch / OperationFailed), adding the PI header when <paramref name="PacketInfo"/> is set.
/// <paramref name="Batch"/> chooses PacketBatch over Packet for the reply. On an empty queue a non-blocking read
/// (<paramref name="Block"/> false) is answered EAGAIN; a blocking one waits in the NIC, in arrival order, until a frame
/// comes (answered then), its file detaches (EBADF) or the NIC stops (EFAULT). The sender is the file.
/// </summary>
[MessagePackObject]
public sealed record NicDequeue(
    [property: Key(0)] IActorRef ReplyTo,
    [property: Key(1)] bool PacketInfo,
    [property: Key(2)] int MaxFrames,
    [property: Key(3)] bool Batch,
    [property: Key(4)] bool Block = false) : INetSimMessage;

/// <summary>
/// A file registers (or, with <paramref name="Active"/> false, removes) a readiness subscriber: the NIC sends
/// <see cref="Device.Readable"/> to it when its queue goes from empty to non-empty, and at once if it is non-empty.
/// The NIC replies <see cref="Device.Subscribed"/> to the sender.
/// </summary>
[MessagePackObject]
public sealed record NicSubscribe([property: Key(0)] IActorRef File, [property: Key(1)] IActorRef Subscriber, [property: Key(2)] bool Active) : INetSimMessage;

/// <summary>
/// A file registers (or, with <paramref name="Active"/> false, removes) a direct push of its NIC's frames to
/// <paramref name="Target"/> as <see cref="Links.PortFrames"/> with port <paramref name="Port"/> (see
/// <see cref="Device.SubscribeFrames"/>; the file has IFF_NO_PI, so frames go as queued). The NIC replies
/// <see cref="Device.Subscribed"/> to the sender.
/// </summary>
[MessagePackObject]
public sealed record NicPushSubscribe(
    [property: Key(0)] IActorRef File,
    [property: Key(1)] IActorRef Target,
    [property: Key(2)] int Port,
    [property: Key(3)] bool Active) : INetSimMessage;

/// <summary>
/// The stack tells the NIC a file detached: its readiness subscribers are dropped and its blocked reads answered EBADF. <paramref name="LastFile"/>: no file is left, so the queue is drained
/// (its frames have no reader) and counted as tx_dropped ("closed").
/// </summary>
[MessagePackObject]
public sealed record NicFileDetached([property: Key(0)] IActorRef File, [property: Key(1)] bool LastFile) : INetSimMessage;

/// <summary>Asks the NIC for its counters; replies <see cref="NicCounters"/>.</summary>
[MessagePackObject]
public sealed record GetNicCounters : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly GetNicCounters Instance = new();
}

/// <summary>A frame with its network protocol (ethertype), the unit of the batch messages.</summary>
[MessagePackObject]
public readonly record struct ProtocolFrame([property: Key(0)] ushort Protocol, [property: Key(1)] ReadOnlyMemory<byte> Frame);

/// <summary>
/// Per-NIC counters as <c>ip -s link</c> shows them. RX is what files wrote into the NIC (the stack received),
/// TX is what files read of what the stack sent out of it (counted on the read, as Linux's tun does);
/// <paramref name="Queued"/> frames are still waiting for a read. Every frame the stack sent is transmitted,
/// dropped (tx_dropped: "queue-full", "closed") or queued. <paramref name="DropReasons"/> breaks the
/// dropped and error counts down by reason ("queue-full", "closed", "short-frame", ...).
/// </summary>
[MessagePackObject]
public sealed record NicCounters(
    [property: Key(0)] string Name,
    [property: Key(1)] int NicId,
    [property: Key(2)] long RxPackets,
    [property: Key(3)] long RxBytes,
    [property: Key(4)] long RxDropped,
    [property: Key(5)] long RxErrors,
    [property: Key(6)] long TxPackets,
    [property: Key(7)] long TxBytes,
    [property: Key(8)] long TxDropped,
    [property: Key(9)] long TxErrors,
    [property: Key(10)] int Queued,
    [property: Key(11)] IReadOnlyDictionary<string, long> DropReasons) : INetSimMessage;

/// <summary>
/// A NIC tells its stack it has stopped, whatever stopped it (its stack, a crash, a PoisonPill): the stack forgets
/// it if it still holds it, so its name is free again. Sent from PostStop: cheaper than a DeathWatch per NIC
/// (measured: the watches were a fifth of an idle NIC's memory), and the NIC is always its stack's local child.
/// </summary>
[MessagePackObject]
public sealed record NicStopped([property: Key(0)] int NicId) : INetSimMessage;

/// <summary>
/// Published on the actor system's event stream when a NIC stops: its counters as they were at the end, so a
/// report can account for a NIC that disappeared mid-run. <paramref name="Stack"/> is the host's StackActor.
/// </summary>
[MessagePackObject]
public sealed record NicFinalCounters([property: Key(0)] IActorRef Stack, [property: Key(1)] NicCounters Counters) : INetSimMessage;
