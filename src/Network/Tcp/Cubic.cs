namespace NetSim.Network.Tcp;

/// <summary>
/// CUBIC (RFC 9438), Linux's default: after a loss the window follows W(t) = C (t - K)^3 + W_max, concave up to the
/// previous maximum and convex beyond it, never below the Reno-friendly estimate. C = 0.4, beta = 0.7, fast
/// convergence on. Slow start is standard (HyStart is not modelled).
/// </summary>
[CongestionControl("cubic")]
public sealed class Cubic : ICongestionControl
{
    private const double C = 0.4;
    private const double Beta = 0.7;
    /// <summary>RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta).</summary>
    private const double RenoAlpha = 3 * (1 - Beta) / (1 + Beta);

    private double _wMax;          // segments
    private double _wLastMax;      // segments, for fast convergence
    private double _k;             // seconds
    private double _wEst;          // segments, the Reno-friendly window
    private TimeSpan? _epochStart;
    private double _fraction;      // accumulated fractional segments of growth

    public int SsThresh(CongestionWindow w, int bytesInFlight)
    {
        double cwnd = (double)w.Cwnd / w.Mss;
        // Fast convergence (RFC 9438 4.7): a flow whose maximum shrinks releases bandwidth to newcomers.
        _wMax = cwnd < _wLastMax ? cwnd * (1 + Beta) / 2 : cwnd;
        _wLastMax = cwnd;
        _epochStart = null;
        return Math.Max((int)Math.Round(w.Cwnd * Beta), 2 * w.Mss);
    }

    public void IncreaseWindow(CongestionWindow w, int ackedBytes, TimeSpan now)
    {
        if (w.InSlowStart)
        {
            w.Cwnd += Math.Min(ackedBytes, w.Mss);
            return;
        }
        double mss = w.Mss;
        double cwnd = w.Cwnd / mss;
        if (_epochStart is null)
        {
            _epochStart = now;
            if (_wMax < cwnd) _wMax = cwnd;
            _k = Math.Cbrt((_wMax - cwnd) / C);
            _wEst = cwnd;
        }
        var rtt = w.SRtt > TimeSpan.Zero ? w.SRtt : TimeSpan.FromMilliseconds(100);
        double t = (now - _epochStart.Value + rtt).TotalSeconds;
        double target = C * Math.Pow(t - _k, 3) + _wMax;
        // RFC 9438 4.4: the target is clamped to [cwnd, 1.5 cwnd].
        target = Math.Clamp(target, cwnd, 1.5 * cwnd);
        double segments = ackedBytes / mss;
        _wEst += RenoAlpha * segments / cwnd;
        double increase = _wEst > target
            ? (_wEst - cwnd) / cwnd * segments          // Reno-friendly region (4.3)
            : (target - cwnd) / cwnd * segments;        // concave or convex region (4.4, 4.5)
        _fraction += Math.Max(0, increase);
        if (_fraction >= 1)
        {
            int whole = (int)_fraction;
            _fraction -= whole;
            w.Cwnd += whole * w.Mss;
        }
    }

    public void StateChanged(CongestionWindow w, CongestionState state, TimeSpan now)
    {
        if (state == CongestionState.Loss) _epochStart = null;
    }
}
