using System.Diagnostics;
using Akka.Actor;
using NetSim.Protocol.Distributed;
using NetSim.Scenario.Partitioning;

namespace NetSim.Distributed;

/// <summary>
/// <see cref="IWindowExchange"/> over the control cluster: the partition's frames of a window go to the coordinator's
/// barrier (<see cref="RunCoordinator"/>) as <see cref="WindowDone"/> chunks, and the call returns once the
/// <see cref="PartitionAgent"/> has assembled the window's <see cref="WindowGranted"/>. Counts where the partition's
/// wall time goes (computing its windows, waiting at the barrier).
/// </summary>
public sealed class ClusterWindowExchange(IActorRef coordinator, IActorRef agent, PartitionInbox inbox, int chunkBytes) : IWindowExchange
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastGrant;
    private long _windows, _computingTicks, _synchronisingTicks, _framesSent;

    /// <summary>The wall time figures so far.</summary>
    public WindowTimes Times => new(_windows, _computingTicks, _synchronisingTicks, _framesSent, Process.GetCurrentProcess().PeakWorkingSet64);

    /// <inheritdoc />
    public IReadOnlyList<CrossFrame> Exchange(int partition, TimeSpan windowEnd, IReadOnlyList<CrossFrame> outgoing, CancellationToken cancellation)
    {
        inbox.ThrowIfAborted();
        cancellation.ThrowIfCancellationRequested();
        var handedOver = _clock.Elapsed;
        _computingTicks += (handedOver - _lastGrant).Ticks;
        var wire = new CrossingFrame[outgoing.Count];
        for (var i = 0; i < wire.Length; i++) wire[i] = FrameChunks.ToWire(outgoing[i]);
        FrameChunks.Send(FrameChunks.Split(wire, chunkBytes), (chunk, last) => coordinator.Tell(new WindowDone(partition, windowEnd.Ticks, chunk, last), agent));
        _framesSent += outgoing.Count;
        var incoming = inbox.TakeGrant(windowEnd.Ticks, cancellation);
        _lastGrant = _clock.Elapsed;
        _synchronisingTicks += (_lastGrant - handedOver).Ticks;
        _windows++;
        return incoming;
    }

    /// <summary>Sends partition <paramref name="partition"/>'s results to the coordinator, in chunks.</summary>
    public void SendPart(int partition, byte[] part)
    {
        var times = Times;
        FrameChunks.Send(FrameChunks.Split(part, chunkBytes), (chunk, last) => coordinator.Tell(new PartitionResults(partition, chunk, last, times), agent));
    }
}
