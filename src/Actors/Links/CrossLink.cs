using NetSim.Actors.Time;

namespace NetSim.Actors.Links;

/// <summary>
/// Where the half of a cut link (a link whose far end another partition of the run simulates) puts the frames it
/// transmitted: they leave this actor system stamped with their simulated arrival time, and the partition runner
/// hands them to the other partition at the end of the time window (docs/design.md, "Partitioned runs").
/// </summary>
public interface ICrossLinkOutbox
{
    /// <summary>A frame of link <paramref name="link"/>, direction <paramref name="direction"/> (0: a to b, 1: b to a),
    /// due at the far end at <paramref name="arrival"/> (simulated time since the run started).</summary>
    void Send(string link, int direction, TimeSpan arrival, ReadOnlyMemory<byte> frame);
}

/// <summary>One frame another partition sent over a cut link, due at this half's end at <paramref name="Arrival"/>.</summary>
public readonly record struct CrossArrival(int Direction, TimeSpan Arrival, ReadOnlyMemory<byte> Frame);

/// <summary>
/// To the half of a cut link at the start of a time window: the frames the other partition sent it during the last
/// window, per direction in the order they were sent. Every arrival lies after the current instant (the window is
/// never longer than the smallest delay of a cut link), so the half delivers them exactly when a whole link would.
/// Local to the actor system (the partition runner sends it), so it is not serialized.
/// </summary>
public sealed record CrossArrivals(IReadOnlyList<CrossArrival> Frames);

/// <summary>Which ends of a link this actor system simulates.</summary>
/// <param name="LocalEnd">-1: both ends (a whole link); 0: only end a; 1: only end b (the half of a cut link).</param>
/// <param name="Outbox">Where a half sends the frames for its remote end; null for a whole link.</param>
public sealed record LinkHalf(int LocalEnd, ICrossLinkOutbox? Outbox)
{
    /// <summary>A whole link: both ends here.</summary>
    public static readonly LinkHalf Whole = new(-1, null);

    /// <summary>True when end <paramref name="end"/> (0: a, 1: b) is simulated here.</summary>
    public bool IsLocal(int end) => LocalEnd < 0 || LocalEnd == end;
}
