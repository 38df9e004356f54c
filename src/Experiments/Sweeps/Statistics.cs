namespace NetSim.Experiments.Sweeps;

/// <summary>Mean, sample standard deviation and the 95% confidence interval of the mean over a cell's seeds.</summary>
public readonly record struct Summary(int Count, double Mean, double StandardDeviation, double HalfWidth95)
{
    public double Low => Mean - HalfWidth95;
    public double High => Mean + HalfWidth95;
}

/// <summary>
/// Student-t confidence intervals: mean +- t(0.975, n-1) * s / sqrt(n). With one value there is no spread to
/// estimate: the deviation and half-width are NaN (written as empty cells).
/// </summary>
public static class Statistics
{
    // Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (standard tables, 3 decimals).
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    // Beyond 30: the table's points at 40, 60, 120 and infinity, interpolated linearly in 1/df (as tables advise).
    private static readonly (double Df, double T)[] Tail = [(30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980), (double.PositiveInfinity, 1.960)];

    /// <summary>t(0.975, <paramref name="degreesOfFreedom"/>).</summary>
    public static double StudentT975(int degreesOfFreedom)
    {
        if (degreesOfFreedom < 1) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), "needs at least 1 degree of freedom");
        if (degreesOfFreedom <= 30) return T975[degreesOfFreedom - 1];
        var x = 1.0 / degreesOfFreedom;
        for (var i = 0; i < Tail.Length - 1; i++)
        {
            var (d0, t0) = Tail[i];
            var (d1, t1) = Tail[i + 1];
            if (degreesOfFreedom > d1) continue;
            double x0 = 1 / d0, x1 = 1 / d1; // 1/inf = 0
            return t0 + (t1 - t0) * (x - x0) / (x1 - x0);
        }
        return 1.960;
    }

    public static Summary Summarise(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n == 0) return new Summary(0, double.NaN, double.NaN, double.NaN);
        var mean = values.Average();
        if (n == 1) return new Summary(1, mean, double.NaN, double.NaN);
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        return new Summary(n, mean, sd, StudentT975(n - 1) * sd / Math.Sqrt(n));
    }
}
