namespace NetSim.Network.Tcp;

/// <summary>
/// NewReno (RFC 5681 and RFC 6582): slow start adds the bytes acknowledged (at most one segment per ACK, RFC 5681
/// 3.1), congestion avoidance adds about one segment per round trip, a loss halves the flight. The connection does
/// the fast retransmit and partial-ACK handling of RFC 6582.
/// </summary>
[CongestionControl("newreno")]
public sealed class NewReno : ICongestionControl
{
    private int _avoidanceCredit;

    public int SsThresh(CongestionWindow w, int bytesInFlight) => Math.Max(bytesInFlight / 2, 2 * w.Mss);

    public void IncreaseWindow(CongestionWindow w, int ackedBytes, TimeSpan now)
    {
        if (w.InSlowStart)
        {
            w.Cwnd += Math.Min(ackedBytes, w.Mss);
            return;
        }
        // Appropriate byte counting (RFC 3465): one MSS once a full window of bytes has been acknowledged.
        _avoidanceCredit += ackedBytes;
        if (_avoidanceCredit >= w.Cwnd)
        {
            _avoidanceCredit -= w.Cwnd;
            w.Cwnd += w.Mss;
        }
    }

    public void StateChanged(CongestionWindow w, CongestionState state, TimeSpan now) => _avoidanceCredit = 0;
}
