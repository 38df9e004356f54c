using Akka.Actor;
using Akka.Event;
using MessagePack;
using NetSim.Protocol.Wire;

// The API of one open /dev/net/tun file (a DeviceActor). Requests are grouped first, replies after.
// Every request is answered by exactly one reply to its sender: the named reply, or OperationFailed with the errno
// the real device returns (Linux values; see Errno and docs/design.md, "Device semantics").
namespace NetSim.Protocol.Device;

/// <summary>
/// TUNSETIFF: attach this file to the NIC called <paramref name="Name"/>, creating it if none exists.
/// An empty name creates <c>tun&lt;ID&gt;</c> / <c>tap&lt;ID&gt;</c>. Replies <see cref="Attached"/> or
/// <see cref="OperationFailed"/>: EINVAL (bad flags, already attached, TUN/TAP mismatch with the existing NIC),
/// EEXIST (TUN_EXCL and the name exists), EOPNOTSUPP (the name is a non-tun NIC), EPERM (no NET_ADMIN).
/// </summary>
[MessagePackObject]
public sealed record Attach([property: Key(0)] string Name, [property: Key(1)] TunFlags Flags) : INetSimMessage;

/// <summary>
/// write(2): inject one frame into the NIC. Layout: [PI header unless NO_PI][Ethernet header if TAP][payload].
/// The buffer is owned by the simulation once sent: do not modify it afterwards.
/// Replies <see cref="Written"/> with the full length (also for a frame too short for its headers, which is
/// ignored and counted as an rx error), or <see cref="OperationFailed"/>: EINVAL (zero length), EBADFD (not
/// attached), EIO (NIC removed), EMSGSIZE (longer than MTU plus headers).
/// </summary>
/// <paramref name="Quiet"/>: a writer that does not wait for the result (a link's port) hears only failures
/// (<see cref="OperationFailed"/>), no <see cref="Written"/>: one message fewer per frame on the simulation's hot path.
[MessagePackObject]
public sealed record Write([property: Key(0)] ReadOnlyMemory<byte> Frame, [property: Key(1)] bool Quiet = false) : INetSimMessage;

/// <summary>
/// sendmmsg-like: many writes in one message, processed in order. Replies <see cref="BatchWritten"/> with how
/// many frames were accepted before the first error (if any), or <see cref="OperationFailed"/> when the first fails.
/// </summary>
[MessagePackObject]
public sealed record WriteBatch([property: Key(0)] IReadOnlyList<ReadOnlyMemory<byte>> Frames) : INetSimMessage;

/// <summary>
/// read(2): dequeue one frame. Replies <see cref="Packet"/>. On an empty queue a blocking file (the default, as
/// Linux opens /dev/net/tun) answers when the next frame arrives; a non-blocking one (O_NONBLOCK: opened with
/// <c>nonBlocking: true</c> or after <see cref="SetNonBlocking"/>) answers <see cref="OperationFailed"/> EAGAIN at once
/// (subscribe with <see cref="SubscribeReadable"/> to learn when to read again). Other errors: EBADFD when not
/// attached; EBADF when the file is closed while the read waits; EFAULT when the NIC is removed while it waits, or
/// for a blocking read after its removal (a non-blocking one gets EAGAIN, as in gVisor).
/// </summary>
[MessagePackObject]
public sealed record Read : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly Read Instance = new();
}

/// <summary>
/// recvmmsg-like: dequeue up to <paramref name="MaxFrames"/> frames. Replies <see cref="PacketBatch"/> (never empty);
/// blocks or fails as <see cref="Read"/> does, and EINVAL for <paramref name="MaxFrames"/> below 1.
/// </summary>
[MessagePackObject]
public sealed record ReadBatch([property: Key(0)] int MaxFrames) : INetSimMessage;

/// <summary>TUNGETIFF: replies <see cref="DeviceInfo"/>. On an unattached file the name is empty (as in gVisor).</summary>
[MessagePackObject]
public sealed record GetInfo : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly GetInfo Instance = new();
}

/// <summary>
/// TUNSETPERSIST: a persistent NIC outlives its last file. Turning it off on a NIC without files removes it.
/// Replies <see cref="PersistSet"/> or EBADFD.
/// </summary>
[MessagePackObject]
public sealed record SetPersist([property: Key(0)] bool Persist) : INetSimMessage;

/// <summary>
/// fcntl(F_SETFL, O_NONBLOCK): whether reads on an empty queue fail with EAGAIN (true) or wait for a frame (false).
/// A read already waiting keeps waiting. Replies <see cref="NonBlockingSet"/>.
/// </summary>
[MessagePackObject]
public sealed record SetNonBlocking([property: Key(0)] bool NonBlocking) : INetSimMessage;

/// <summary>
/// poll/epoll registration: <paramref name="Subscriber"/> receives <see cref="Readable"/> when the NIC's queue goes
/// from empty to non-empty (edge-triggered, like EPOLLET), and at once if it is non-empty when subscribing.
/// Read until EAGAIN before waiting for the next notification. Replies <see cref="Subscribed"/>.
/// </summary>
[MessagePackObject]
public sealed record SubscribeReadable([property: Key(0)] IActorRef Subscriber) : INetSimMessage;

/// <summary>
/// Direct push, for a non-blocking file's reader that is always ready (a link's or a switch's port): instead of a
/// <see cref="Readable"/> and a <see cref="ReadBatch"/> round trip, the NIC reads every frame the moment it is queued
/// (after any blocked reads of other files are served) and hands them to <paramref name="Target"/> as
/// <see cref="Links.PortFrames"/> with port <paramref name="Port"/>, one message per batch the stack sent. The frames
/// are read as a ReadBatch reads them (TX counted). The queue still bounds what one batch can hold (overflow drops,
/// counted "queue-full"). Frames that reach a <paramref name="Target"/> that is gone are taken back out of TX and
/// counted as tx_dropped ("closed"). <paramref name="Active"/> false ends it. Replies <see cref="Subscribed"/>, or
/// <see cref="OperationFailed"/>: EBADFD before the file is attached, EIO after its NIC was removed, EINVAL on a
/// blocking file (a reader that may wait cannot be pushed to) or one with a PI header (pushed frames are whole
/// link-layer frames, as a link carries them).
/// </summary>
[MessagePackObject]
public sealed record SubscribeFrames([property: Key(0)] IActorRef Target, [property: Key(1)] int Port, [property: Key(2)] bool Active = true) : INetSimMessage;

/// <summary>
/// A link's or switch's port opening its end (docs/design.md, "Architecture", set-up): <see cref="Attach"/> (TUNSETIFF with
/// <paramref name="Flags"/>) and <see cref="SubscribeFrames"/> (push to <paramref name="Target"/> as port
/// <paramref name="Port"/>) in one request, instead of an Attach, a SubscribeFrames and a look-up of the NIC, each a
/// round trip. The file checks what both check: EINVAL when it is blocking or <paramref name="Flags"/> lack IFF_NO_PI
/// (a pushed reader), then every check of Attach, answered <see cref="OperationFailed"/> "attach". Replies
/// <see cref="PortFileAttached"/> once attached; the push is registered with the NIC before that reply is sent (no
/// <see cref="Subscribed"/> comes).
/// </summary>
[MessagePackObject]
public sealed record AttachPort([property: Key(0)] string Name, [property: Key(1)] TunFlags Flags, [property: Key(2)] IActorRef Target, [property: Key(3)] int Port) : INetSimMessage;

/// <summary>Ends a <see cref="SubscribeReadable"/> registration. Replies <see cref="Subscribed"/> with false.</summary>
[MessagePackObject]
public sealed record UnsubscribeReadable([property: Key(0)] IActorRef Subscriber) : INetSimMessage;

/// <summary>
/// close(2): drop this file's reference on its NIC and stop the file. Replies <see cref="Closed"/>; a read of this
/// file still waiting for a frame is then answered <see cref="OperationFailed"/> EBADF (Linux would leave it blocked
/// until a frame or signal came; an actor nobody can signal must not wait forever).
/// </summary>
[MessagePackObject]
public sealed record Close : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly Close Instance = new();
}

/// <summary>Reply to <see cref="Attach"/>: the NIC this file is now attached to.</summary>
[MessagePackObject]
public sealed record Attached(
    [property: Key(0)] string Name,
    [property: Key(1)] int NicId,
    [property: Key(2)] TunFlags Flags,
    [property: Key(3)] int Mtu,
    [property: Key(4)] MacAddress Mac) : INetSimMessage;

/// <summary>Reply to <see cref="Write"/>: the number of bytes consumed (the whole frame, as write(2) returns).</summary>
[MessagePackObject]
public sealed record Written([property: Key(0)] int Length) : INetSimMessage;

/// <summary>
/// Reply to <see cref="WriteBatch"/>: <paramref name="Frames"/> frames (<paramref name="Bytes"/> bytes) were accepted;
/// <paramref name="Error"/> is the errno that stopped the batch early, or <see cref="Errno.None"/>.
/// </summary>
[MessagePackObject]
public sealed record BatchWritten([property: Key(0)] int Frames, [property: Key(1)] long Bytes, [property: Key(2)] Errno Error) : INetSimMessage;

/// <summary>Reply to <see cref="Read"/>: one frame, laid out as <see cref="Write"/> describes.</summary>
[MessagePackObject]
public sealed record Packet([property: Key(0)] ReadOnlyMemory<byte> Frame) : INetSimMessage;

/// <summary>Reply to <see cref="ReadBatch"/>: one or more frames in queue order.</summary>
[MessagePackObject]
public sealed record PacketBatch([property: Key(0)] IReadOnlyList<ReadOnlyMemory<byte>> Frames) : INetSimMessage;

/// <summary>
/// Reply to <see cref="GetInfo"/>, as Linux's TUNGETIFF reports: the NIC name; the file's IFF_TUN or IFF_TAP and
/// IFF_NO_PI; IFF_NOFILTER (no socket filter is ever set); and IFF_PERSIST when the NIC is persistent.
/// </summary>
[MessagePackObject]
public sealed record DeviceInfo([property: Key(0)] string Name, [property: Key(1)] TunFlags Flags) : INetSimMessage;

/// <summary>
/// Reply to <see cref="AttachPort"/>: the attachment (as <see cref="Attached"/> answers an Attach) and the NIC it
/// authorises a port to write into directly (<see cref="Nic.NicWrite"/>).
/// </summary>
[MessagePackObject]
public sealed record PortFileAttached([property: Key(0)] Attached Attached, [property: Key(1)] IActorRef Nic) : INetSimMessage;

/// <summary>Reply to <see cref="SetPersist"/>.</summary>
[MessagePackObject]
public sealed record PersistSet([property: Key(0)] bool Persist) : INetSimMessage;

/// <summary>Reply to <see cref="SetNonBlocking"/>.</summary>
[MessagePackObject]
public sealed record NonBlockingSet([property: Key(0)] bool NonBlocking) : INetSimMessage;

/// <summary>Reply to <see cref="SubscribeReadable"/> / <see cref="UnsubscribeReadable"/>.</summary>
[MessagePackObject]
public sealed record Subscribed([property: Key(0)] bool Active) : INetSimMessage;

/// <summary>Readiness notification (EPOLLIN): the NIC's queue has frames to read.</summary>
[MessagePackObject]
public sealed record Readable([property: Key(0)] string NicName) : INetSimMessage;

/// <summary>Reply to <see cref="Close"/>; the file actor stops right after sending it.</summary>
[MessagePackObject]
public sealed record Closed : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly Closed Instance = new();
}

/// <summary>
/// From a file that was opened to tell its parent when it stops (<c>DeviceActor.Props(..., tellParentWhenStopped:
/// true)</c>, a link's port): what a DeathWatch of the file would say, without one. A watch makes both actors carry
/// Akka's full watch state (two dictionaries, a set and a stack, about 700 bytes a port and file pair); a port that
/// owns its file needs only this. Suppressed as a dead letter: a parent that is stopping itself no longer listens.
/// </summary>
[MessagePackObject]
public sealed record FileStopped : INetSimMessage, IDeadLetterSuppression
{
    /// <summary>The one instance: the message has no fields (the sender is the file).</summary>
    public static readonly FileStopped Instance = new();
}

/// <summary>
/// Sent to a writer when <paramref name="Frames"/> frames it was told were written never reached a NIC: the NIC
/// stopped before taking them ("nic-gone"), or the file closed before reading the write ("file-closed"). Rare (a
/// NIC removed while frames are on their way to it), and never silent: links and switches count these as drops.
/// </summary>
/// Sent to a NIC when frames it pushed (<see cref="SubscribeFrames"/>) reached a target that was gone:
/// <paramref name="Bytes"/> says how many bytes they held, so the NIC can take them back out of its TX counters.
[MessagePackObject]
public sealed record FramesLost([property: Key(0)] int Frames, [property: Key(1)] string Reason, [property: Key(2)] long Bytes = 0) : INetSimMessage;
