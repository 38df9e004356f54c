using MessagePack;

// Messages a bridge (a simulated NIC end joined to a real kernel TUN/TAP device) answers. A bridge also answers
// CaptureNic like a NIC, and tells its creator LinkReady / LinkFailed like a link.
namespace NetSim.Protocol.Bridge;

/// <summary>Asks a bridge (or its kernel port) for its counters; replies <see cref="BridgeCounters"/>.</summary>
[MessagePackObject]
public sealed record GetBridgeCounters : INetSimMessage
{
    public static readonly GetBridgeCounters Instance = new();
}

/// <summary>
/// Counters of a bridge. From-kernel: frames the kernel device gave NetSim (what a real program sent into the
/// simulation); to-kernel: frames NetSim wrote into the device. Every frame read from the kernel is handed on or
/// dropped with a reason ("not-ip", "short-frame", "backlog-full", "to-sim:too-big" ...); every frame
/// the simulation sends to the kernel is written or dropped with a reason ("write:EIO" ...).
/// </summary>
[MessagePackObject]
public sealed record BridgeCounters(
    [property: Key(0)] string Name,
    [property: Key(1)] string Device,
    [property: Key(2)] long FromKernelFrames,
    [property: Key(3)] long FromKernelBytes,
    [property: Key(4)] long ToKernelFrames,
    [property: Key(5)] long ToKernelBytes,
    [property: Key(6)] long Dropped,
    [property: Key(7)] IReadOnlyDictionary<string, long> DropReasons) : INetSimMessage;
