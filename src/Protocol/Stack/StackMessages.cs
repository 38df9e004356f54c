using Akka.Actor;
using MessagePack;
using NetSim.Protocol.Wire;

// Messages a StackActor (one simulated host) receives: the NIC registry (create, attach, look up, remove),
// moving frames, and the lifetime bookkeeping device files take part in.
namespace NetSim.Protocol.Stack;

/// <summary>What the stack knows of one NIC.</summary>
[MessagePackObject]
public sealed record NicInfo(
    [property: Key(0)] int NicId,
    [property: Key(1)] string Name,
    [property: Key(2)] bool IsTap,
    [property: Key(3)] int Mtu,
    [property: Key(4)] MacAddress Mac,
    [property: Key(5)] bool Persistent,
    [property: Key(6)] int AttachedFiles,
    [property: Key(7)] IActorRef Nic) : INetSimMessage;

/// <summary>
/// Creates a persistent NIC with no file attached, as <c>ip tuntap add</c> does. An empty name gets
/// <c>tun&lt;ID&gt;</c>/<c>tap&lt;ID&gt;</c>. Null MTU / MAC take the defaults (MTU from config; a TAP gets a random
/// locally-administered unicast MAC, as Linux's eth_hw_addr_random, drawn from the run's seed; the queue length comes
/// from netsim.nic.queue-length). Replies <see cref="NicInfo"/> or <see cref="OperationFailed"/>: EEXIST (the name is
/// taken), EINVAL (queue length below 1, MTU out of range), EADDRNOTAVAIL (multicast or zero MAC), EOPNOTSUPP (a MAC
/// for a TUN NIC). To choose the MAC of a NIC that a file creates, attach, then send <see cref="SetNicMac"/>.
/// </summary>
[MessagePackObject]
public sealed record CreateNic(
    [property: Key(0)] string Name,
    [property: Key(1)] bool IsTap,
    [property: Key(2)] int? Mtu = null,
    [property: Key(3)] MacAddress? Mac = null,
    [property: Key(4)] int? QueueLength = null) : INetSimMessage;

/// <summary>
/// <c>ip link set NAME address MAC</c>: a TAP NIC's MAC from now on (frames the stack sends from then carry it).
/// Replies the updated <see cref="NicInfo"/> or <see cref="OperationFailed"/>: ENODEV (no such NIC), EOPNOTSUPP (a TUN
/// NIC, which has no MAC, or lo), EADDRNOTAVAIL (a multicast or all-zero MAC, as Linux's eth_mac_addr).
/// Works on any NIC, persistent or not: choosing a MAC does not make a NIC outlive its files.
/// </summary>
[MessagePackObject]
public sealed record SetNicMac([property: Key(0)] string Name, [property: Key(1)] MacAddress Mac) : INetSimMessage;

/// <summary>
/// <c>ip link set NAME mtu N</c>: the NIC's MTU from now on (writes above it are EMSGSIZE; the stack fragments to it).
/// Replies the updated <see cref="NicInfo"/> or <see cref="OperationFailed"/>: ENODEV, EOPNOTSUPP (lo), EINVAL (outside
/// 68..65535, 68..65521 for a TAP, as Linux's dev_validate_mtu).
/// </summary>
[MessagePackObject]
public sealed record SetNicMtu([property: Key(0)] string Name, [property: Key(1)] int Mtu) : INetSimMessage;

/// <summary>Looks a NIC up by name; replies <see cref="NicInfo"/> or <see cref="OperationFailed"/> ENODEV.</summary>
[MessagePackObject]
public sealed record LookupNic([property: Key(0)] string Name) : INetSimMessage;

/// <summary>Looks a NIC up by ID; replies <see cref="NicInfo"/> or <see cref="OperationFailed"/> ENODEV.</summary>
[MessagePackObject]
public sealed record LookupNicById([property: Key(0)] int NicId) : INetSimMessage;

/// <summary>Lists every NIC; replies <see cref="NicList"/>.</summary>
[MessagePackObject]
public sealed record ListNics : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly ListNics Instance = new();
}

/// <summary>Reply to <see cref="ListNics"/>, in ID order.</summary>
[MessagePackObject]
public sealed record NicList([property: Key(0)] IReadOnlyList<NicInfo> Nics) : INetSimMessage;

/// <summary>
/// <c>ip link delete</c>: removes a NIC even with files attached; their writes then fail with EIO.
/// Replies <see cref="NicRemoved"/> or <see cref="OperationFailed"/> ENODEV.
/// </summary>
[MessagePackObject]
public sealed record RemoveNic([property: Key(0)] string Name) : INetSimMessage;

/// <summary>
/// Closes every file attached to the NIC, as if the processes holding them exited: their references drop and a
/// non-persistent NIC goes away. Replies <see cref="FilesClosed"/> with how many files were told to close.
/// </summary>
[MessagePackObject]
public sealed record CloseFiles([property: Key(0)] string Name) : INetSimMessage;

/// <summary>Reply to <see cref="CloseFiles"/>.</summary>
[MessagePackObject]
public sealed record FilesClosed([property: Key(0)] string Name, [property: Key(1)] int Files) : INetSimMessage;

/// <summary>A NIC left the stack (reply to <see cref="RemoveNic"/>, and the event <see cref="WatchNics"/> subscribers get).</summary>
[MessagePackObject]
public sealed record NicRemoved([property: Key(0)] int NicId, [property: Key(1)] string Name) : INetSimMessage;

/// <summary>Subscribes to <see cref="NicRemoved"/> events; replies <see cref="NicList"/> with the current NICs.</summary>
[MessagePackObject]
public sealed record WatchNics([property: Key(0)] IActorRef Subscriber) : INetSimMessage;

/// <summary>
/// Sends a frame out of a NIC (it joins that NIC's outbound queue, to be read from its files). For a TAP NIC,
/// <paramref name="Frame"/> is a full Ethernet frame unless <paramref name="Destination"/> is given, in which case it
/// is a network-layer packet and the stack adds the Ethernet header (source: the NIC's MAC).
/// Replies <see cref="FrameSent"/> once the frame is handed to the NIC (whose queue may still drop it, counted as
/// "queue-full"), or <see cref="OperationFailed"/> ENODEV for an unknown or non-tun NIC, EMSGSIZE for a packet above
/// the NIC's MTU. Sent with <c>ActorRefs.NoSender</c> (as forwarders on the hot path do) it is not answered at all:
/// the failure is then counted as a stack drop ("no-such-nic", "too-big").
/// </summary>
[MessagePackObject]
public sealed record SendFrame(
    [property: Key(0)] int NicId,
    [property: Key(1)] ushort Protocol,
    [property: Key(2)] ReadOnlyMemory<byte> Frame,
    [property: Key(3)] MacAddress? Destination = null) : INetSimMessage;

/// <summary>Reply to <see cref="SendFrame"/>: the frame joined NIC <paramref name="NicId"/>'s transmit path.</summary>
[MessagePackObject]
public sealed record FrameSent([property: Key(0)] int NicId) : INetSimMessage;

/// <summary>
/// Subscribes <paramref name="Subscriber"/> to every frame the stack receives from its NICs, as
/// <see cref="InboundFrame"/>: a tap on the stack's input, for tools, tests and custom protocol handlers.
/// Replies <see cref="InboundSubscribed"/>.
/// </summary>
[MessagePackObject]
public sealed record SubscribeInbound([property: Key(0)] IActorRef Subscriber) : INetSimMessage;

/// <summary>Reply to <see cref="SubscribeInbound"/>.</summary>
[MessagePackObject]
public sealed record InboundSubscribed : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly InboundSubscribed Instance = new();
}

/// <summary>
/// A frame that entered the stack from NIC <paramref name="NicId"/> (Ethernet frame for TAP, IP packet for TUN):
/// what a NIC sends its stack, and what <see cref="SubscribeInbound"/> subscribers see.
/// </summary>
[MessagePackObject]
public sealed record InboundFrame([property: Key(0)] int NicId, [property: Key(1)] ushort Protocol, [property: Key(2)] ReadOnlyMemory<byte> Frame) : INetSimMessage;

/// <summary>Many <see cref="InboundFrame"/>s from one NIC in one message (the batch path).</summary>
[MessagePackObject]
public sealed record InboundFrameBatch([property: Key(0)] int NicId, [property: Key(1)] IReadOnlyList<Nic.ProtocolFrame> Frames) : INetSimMessage;

// ---- Between a device file and its stack (the file sends these; user code does not) ----

/// <summary>A file asks to attach (after checking flags and capability itself). Replies <see cref="FileAttached"/> or <see cref="OperationFailed"/>.</summary>
[MessagePackObject]
public sealed record AttachFile([property: Key(0)] string Name, [property: Key(1)] TunFlags Flags) : INetSimMessage;

/// <summary>Reply to <see cref="AttachFile"/>. The stack now watches the file (DeathWatch) and counts its reference.</summary>
[MessagePackObject]
public sealed record FileAttached([property: Key(0)] NicInfo Nic) : INetSimMessage;

/// <summary>A file drops its reference on the NIC: sent as it closes and as it stops (a file that dies without it is detached by DeathWatch).</summary>
[MessagePackObject]
public sealed record DetachFile : INetSimMessage
{
    /// <summary>The one instance: the message has no fields.</summary>
    public static readonly DetachFile Instance = new();
}

/// <summary>The stack tells the files attached to a NIC that its MAC or MTU changed (<see cref="SetNicMac"/>, <see cref="SetNicMtu"/>).</summary>
[MessagePackObject]
public sealed record NicChanged([property: Key(0)] NicInfo Nic) : INetSimMessage;

/// <summary>A file sets TUNSETPERSIST on its NIC. Replies <see cref="Device.PersistSet"/>.</summary>
[MessagePackObject]
public sealed record SetNicPersist([property: Key(0)] int NicId, [property: Key(1)] bool Persist) : INetSimMessage;

/// <summary>
/// A file's TUNGETIFF: the stack replies <see cref="Device.DeviceInfo"/> to the sender with the NIC's name and
/// <paramref name="FileFlags"/>, plus IFF_PERSIST when the NIC is persistent (a per-NIC flag, as in Linux's tun->flags).
/// </summary>
[MessagePackObject]
public sealed record GetNicFlags([property: Key(0)] int NicId, [property: Key(1)] TunFlags FileFlags) : INetSimMessage;
