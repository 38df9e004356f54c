namespace NetSim.Scenario;

internal sealed partial class ScenarioBuilder
{
    /// <summary>The <c>report</c> block (defaults when absent): the time-series interval and plots on/off.</summary>
    private ReportSettings BuildReport(Section root)
    {
        var report = root.Child("report", D("report")) ?? new Section(context, "report", new Dictionary<string, Akka.Configuration.Hocon.HoconValue>(), D("report"));
        report.RejectUnknownKeys("interval", "plots");
        var interval = report.Scalar("interval", required: true)?.Trim() is "0" or "off"
            ? TimeSpan.Zero
            : report.Duration("interval", required: true) ?? ReportSettings.Default.Interval;
        if (interval > TimeSpan.Zero && interval < TimeSpan.FromMilliseconds(1))
        {
            report.Error("interval", "must be at least 1ms (or 0 to turn the time series off)");
            interval = ReportSettings.Default.Interval;
        }
        var plots = report.Boolean("plots", required: true) ?? true;
        return new ReportSettings(interval, plots);
    }
}
