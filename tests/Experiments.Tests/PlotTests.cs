using System.Text.RegularExpressions;
using System.Xml.Linq;
using NetSim.Experiments.Plots;
using NetSim.Experiments.RunFiles;
using SkiaSharp;
using Xunit;

namespace NetSim.Experiments.Tests;

/// <summary>The run's plots: real PNG and SVG files, one drawn series per flow / NIC / link, labelled.</summary>
public class PlotTests
{
    [Fact]
    public void Plots_are_valid_png_and_svg_with_the_expected_series()
    {
        var folder = TestRuns.Run(TestRuns.Lossy);
        var run = RunFolder.Open(folder);
        var specs = RunPlots.For(run);
        Assert.Equal(["throughput", "rtt", "rtt-cdf", "queue", "drops"], specs.Select(s => s.Name));
        var expected = new Dictionary<string, string[]>
        {
            ["throughput"] = ["bulk", "echo"],
            ["rtt"] = ["echo"],
            ["rtt-cdf"] = ["echo"],
            ["queue"] = ["a.eth0 queue", "b.eth0 queue", "l1 a.eth0>b.eth0 in flight", "l1 b.eth0>a.eth0 in flight"],
            ["drops"] = ["a.eth0", "b.eth0", "l1 a.eth0>b.eth0", "l1 b.eth0>a.eth0"],
        };
        foreach (var spec in specs)
        {
            Assert.Equal(expected[spec.Name], spec.Series.Select(s => s.Label));
            Assert.Contains("seed 3", spec.Title);
            Assert.Contains("lossy.conf", spec.Title);
            Assert.Matches(@"\(.+\)", spec.XLabel); // a unit
            Assert.Matches(@"\(.+\)", spec.YLabel);
            var drawn = PlotRenderer.Draw(spec, Path.Combine(folder, "plots"));

            var svg = XDocument.Parse(File.ReadAllText(drawn.SvgPath));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            // Every series is drawn with its own colour at the series line width (its line and its legend swatch).
            var colours = Regex.Matches(drawn.Svg, "stroke=\"(#[0-9A-F]{6})\" stroke-width=\"1.5\"").Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Equal(spec.Series.Count, colours.Count);
            var text = string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim() + "\n"));
            foreach (var label in expected[spec.Name]) Assert.Contains(label, text);

            var png = File.ReadAllBytes(drawn.PngPath);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            using var bitmap = SKBitmap.Decode(png);
            Assert.Equal((PlotRenderer.Width, PlotRenderer.Height), (bitmap.Width, bitmap.Height));
            var pixels = bitmap.Pixels.Select(p => $"#{p.Red:X2}{p.Green:X2}{p.Blue:X2}").ToHashSet();
            foreach (var c in colours) Assert.Contains(c, pixels); // the same series, drawn in the PNG too
        }
    }

    [Fact]
    public void A_tcp_flow_gets_a_cwnd_plot_drawn_from_its_time_series_and_shown_on_the_page()
    {
        var folder = TestRuns.Run(TestRuns.TcpSingleFlow);
        var run = RunFolder.Open(folder);
        var specs = RunPlots.For(run);
        var cwnd = Assert.Single(specs, s => s.Name == "cwnd");
        var line = Assert.Single(cwnd.Series);
        Assert.Equal("bulk", line.Label);
        // One point per sample from the first after the connect (0.6 s) to the end (2.5 s), the values of timeseries.csv.
        var rows = File.ReadAllLines(Path.Combine(folder, "timeseries.csv")).Select(l => l.Split(','))
            .Where(p => p[1] == "flows.bulk" && p[2] == "cwnd").ToList();
        Assert.Equal(20, rows.Count);
        Assert.Equal(rows.Select(p => double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)), line.Xs);
        Assert.Equal(rows.Select(p => double.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture)), line.Ys);
        Assert.True(line.Ys.Max() > line.Ys.Min(), "cwnd should move while the flow runs");
        Assert.Contains("bulk", Assert.Single(specs, s => s.Name == "throughput").Series.Select(s => s.Label));

        var drawn = PlotRenderer.Draw(cwnd, Path.Combine(folder, "plots"));
        var text = string.Concat(XDocument.Parse(File.ReadAllText(drawn.SvgPath)).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
        Assert.Contains("bulk", text);
        Assert.Contains("cwnd (bytes)", text);

        NetSim.Experiments.Reports.RunReportPage.Write(run);
        Assert.Contains("congestion window", File.ReadAllText(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void Plots_drawn_together_on_every_core_are_the_bytes_of_plots_drawn_one_by_one()
    {
        // Each PNG and each SVG is a job of its own on its own Plot, several at once: the files must not show it (an SVG
        // drawn without the raster render before it lays its legend out differently, and ScottPlot numbers clip paths
        // across the process).
        // A legend of 40 lines in several columns (a star of 10 hosts' drops plot) is where the layout tells.
        var crowded = new PlotSpec("crowded", "star: drops per interval", "time (s)", "drops (frames per interval)",
            [.. Enumerable.Range(0, 40).Select(i => new PlotSeries(i < 20 ? $"hub.e{i}" : $"k{i - 20} hub.e{i - 20}>l{i - 20}.eth0",
                [.. Enumerable.Range(0, 11).Select(t => t * 0.1)], new double[11]))], Steps: true);
        foreach (var (scenario, extra) in new[] { (TestRuns.Lossy, new[] { crowded }), (TestRuns.TcpSingleFlow, []) })
        {
            var folder = TestRuns.Run(scenario);
            var specs = RunPlots.For(RunFolder.Open(folder)).Concat(extra).ToList();
            var together = PlotRenderer.DrawAll([.. specs, .. specs.Select(s => s with { Name = s.Name + "-again" })], Path.Combine(folder, "together"));
            var oneByOne = specs.Select(s => PlotRenderer.Draw(s, Path.Combine(folder, "one-by-one"))).ToList();
            Assert.Equal(specs.Count * 2, together.Count);
            for (var i = 0; i < together.Count; i++)
            {
                var alone = oneByOne[i % specs.Count];
                Assert.Equal(File.ReadAllBytes(alone.PngPath), File.ReadAllBytes(together[i].PngPath));
                Assert.Equal(File.ReadAllBytes(alone.SvgPath), File.ReadAllBytes(together[i].SvgPath));
                Assert.Equal(alone.Svg, together[i].Svg);
                Assert.Equal(Path.Combine(folder, "together", specs[i % specs.Count].Name + (i < specs.Count ? "" : "-again") + ".svg"), together[i].SvgPath);
            }
        }
    }

    [Fact]
    public void A_run_without_a_time_series_has_no_plots()
    {
        var folder = TestRuns.Run(TestRuns.Lossy, "report.interval=0");
        Assert.Empty(RunPlots.For(RunFolder.Open(folder)));
    }

    [Theory]
    [InlineData(999.0, 1.0, "bit/s")]
    [InlineData(1500.0, 1e3, "kbit/s")]
    [InlineData(2.5e6, 1e6, "Mbit/s")]
    [InlineData(1e9, 1e9, "Gbit/s")]
    public void Bit_rates_get_a_readable_unit(double max, double scale, string unit) =>
        Assert.Equal((scale, unit), RunPlots.BitRateUnit(max));
}
