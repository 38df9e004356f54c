namespace NetSim.Scenario;

/// <summary>The <c>report { ... }</c> block: how a run samples its time series and whether it draws plots.</summary>
/// <param name="Interval">Simulated time between two samples of timeseries.csv; zero turns the time series off.</param>
/// <param name="Plots">Whether <c>netsim run</c> draws the plots and report.html after the run.</param>
public sealed record ReportSettings(TimeSpan Interval, bool Plots)
{
    /// <summary>Every 100 ms, with plots (the defaults of scenario-defaults.conf).</summary>
    public static readonly ReportSettings Default = new(TimeSpan.FromMilliseconds(100), true);
}
