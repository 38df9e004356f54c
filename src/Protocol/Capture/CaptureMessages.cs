using Akka.Actor;
using MessagePack;

// Packet capture: a NIC copies every frame it receives from its files and every frame it queues for them to a sink.
namespace NetSim.Protocol.Capture;

/// <summary>
/// Sent to a NicActor: start (or stop) sending <see cref="CapturedFrame"/> for every frame that enters the stack
/// through this NIC and every frame the stack queues on it. Replies <see cref="CaptureStarted"/>.
/// </summary>
[MessagePackObject]
public sealed record CaptureNic([property: Key(0)] IActorRef Sink, [property: Key(1)] bool Active) : INetSimMessage;

/// <summary>Reply to <see cref="CaptureNic"/>: the NIC's name and ID, and whether frames are TAP (Ethernet) or TUN (IP).</summary>
[MessagePackObject]
public sealed record CaptureStarted([property: Key(0)] int NicId, [property: Key(1)] string NicName, [property: Key(2)] bool IsTap, [property: Key(3)] bool Active) : INetSimMessage;

/// <summary>
/// One captured frame: Ethernet for TAP, IP for TUN, no PI. <paramref name="Timestamp"/> is the scheduler's clock
/// (simulated time since the system started, in virtual mode). <paramref name="Outbound"/>: queued by the stack
/// for the files to read; otherwise written by a file into the stack.
/// </summary>
[MessagePackObject]
public sealed record CapturedFrame(
    [property: Key(0)] int NicId,
    [property: Key(1)] bool Outbound,
    [property: Key(2)] TimeSpan Timestamp,
    [property: Key(3)] ReadOnlyMemory<byte> Frame) : INetSimMessage;
